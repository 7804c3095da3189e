// The same small route through libs/guard and without it, measured alternately in one run.
import autocannon from "autocannon";
import { median } from "./closed-loop.js";

export interface GuardLoadResult {
  openPerSecond: number;
  guardedPerSecond: number;
  /** 1 − guarded/open: the share of the route's throughput the guard costs. */
  overhead: number;
  rounds: { open: number; guarded: number }[];
}

/** Loads `url` with autocannon for `seconds`; any non-2xx answer or error fails the figure. */
export async function loadUrl(p: {
  url: string;
  seconds: number;
  connections: number;
  token?: string;
}): Promise<{ perSecond: number; total: number }> {
  const result = await autocannon({
    url: p.url,
    connections: p.connections,
    duration: p.seconds,
    headers: p.token ? { authorization: `Bearer ${p.token}` } : {},
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${p.url}: ${result.non2xx} non-2xx and ${result.errors} errors under load`);
  }
  return { perSecond: result.requests.average, total: result.requests.total };
}

async function requestsPerSecond(url: string, seconds: number, token?: string): Promise<number> {
  return (await loadUrl({ url, seconds, connections: 32, ...(token ? { token } : {}) })).perSecond;
}

export async function runGuardLoad(p: {
  venueUrl: string;
  token: string;
  rounds: number;
  seconds: number;
  onProgress?: (line: string) => void;
}): Promise<GuardLoadResult> {
  const rounds: GuardLoadResult["rounds"] = [];
  // Warm both paths (JIT, JWKS fetch, verified-token cache) before measuring.
  await requestsPerSecond(`${p.venueUrl}/bench/open`, 1);
  await requestsPerSecond(`${p.venueUrl}/bench/guarded`, 1, p.token);
  for (let round = 0; round < p.rounds; round += 1) {
    const open = await requestsPerSecond(`${p.venueUrl}/bench/open`, p.seconds);
    const guarded = await requestsPerSecond(`${p.venueUrl}/bench/guarded`, p.seconds, p.token);
    rounds.push({ open, guarded });
    p.onProgress?.(
      `  round ${round + 1}/${p.rounds}: open ${open.toFixed(0)} req/s, guarded ${guarded.toFixed(0)} req/s`,
    );
  }
  const openPerSecond = median(rounds.map((r) => r.open));
  const guardedPerSecond = median(rounds.map((r) => r.guarded));
  return { openPerSecond, guardedPerSecond, overhead: 1 - guardedPerSecond / openPerSecond, rounds };
}
