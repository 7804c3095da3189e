// Load of the auth-api's token checks with real sessions' access tokens: what a resource server asks
// (POST /oauth/introspect, HTTP Basic) and what a wallet app asks (GET /v1/me, Bearer).
import autocannon from "autocannon";
import { VENUE_CLIENT } from "./bench-environment.js";
import type { LoadResult } from "./login-load.js";

export type TokenCheck = "introspect" | "me";

export interface TokenCheckLoadParameters {
  url: string;
  check: TokenCheck;
  /** Access tokens of signed-in sessions: each connection goes through all of them in turn. */
  accessTokens: string[];
  connections: number;
  seconds: number;
}

const BASIC = `Basic ${Buffer.from(`${VENUE_CLIENT.id}:${VENUE_CLIENT.secret}`).toString("base64")}`;

/** The request that checks `token` (prebuilt once by autocannon: no per-request work in the generator). */
function requestFor(check: TokenCheck, token: string, onAnswer: (status: number, body: string) => void) {
  if (check === "me") {
    return { method: "GET", path: "/v1/me", headers: { authorization: `Bearer ${token}` } } as const;
  }
  return {
    method: "POST",
    path: "/oauth/introspect",
    headers: { authorization: BASIC, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }).toString(),
    onResponse: onAnswer,
  } as const;
}

/**
 * Loads `check` with autocannon for `seconds`; an answer other than 200 (and, for introspection,
 * `active: true`) is counted in `errors` by kind, which fails the figure.
 */
export async function runTokenCheckLoad(p: TokenCheckLoadParameters): Promise<LoadResult> {
  let inactive = 0;
  const onAnswer = (status: number, body: string) => {
    if (status !== 200) return;
    try {
      if ((JSON.parse(body) as { active?: unknown }).active !== true) inactive += 1;
    } catch {
      inactive += 1;
    }
  };
  const result = await autocannon({
    url: p.url,
    connections: p.connections,
    duration: p.seconds,
    requests: p.accessTokens.map((token) => requestFor(p.check, token, onAnswer)),
  });
  const errors: Record<string, number> = {};
  const count = (key: string, n: number) => {
    if (n > 0) errors[key] = n;
  };
  for (const [status, { count: n = 0 }] of Object.entries(result.statusCodeStats ?? {})) {
    if (status !== "200") count(`HTTP ${status}`, n);
  }
  count("200 without active: true", inactive);
  count("connection errors", result.errors);
  count("timeouts", result.timeouts);
  return {
    completed: result.requests.total,
    errors,
    seconds: result.duration,
    perSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}
