// Closed-loop load of refresh-token rotations: each client signs in once, then rotates its refresh
// token as fast as the auth-api answers (one transaction: rotate, grant and audit rows, new token).
import { Pool } from "undici";
import { type LoadResult, personalSign, type Wallet } from "./login-load.js";

export interface RefreshLoadParameters {
  url: string;
  wallets: Wallet[];
  concurrency: number;
  seconds: number;
  onProgress?: (completed: number, elapsedSeconds: number) => void;
}

/** Runs refreshes for `seconds` with `concurrency` signed-in clients and reports the rate. */
export async function runRefreshLoad(p: RefreshLoadParameters): Promise<LoadResult> {
  const pool = new Pool(p.url, { connections: p.concurrency, pipelining: 1 });
  const post = async (path: string, body: unknown) => {
    const response = await pool.request({
      method: "POST",
      path,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await response.body.json()) as Record<string, string>;
    if (response.statusCode !== 200) throw new Error(String(json.error ?? response.statusCode));
    return json;
  };
  const signIn = async (wallet: Wallet) => {
    const { message } = await post("/v1/auth/challenge", { address: wallet.address, chainId: 31337 });
    return (await post("/v1/auth/login", { message, signature: personalSign(wallet, message!) }))
      .refresh_token!;
  };
  const tokens = await Promise.all(
    Array.from({ length: p.concurrency }, (_, i) => signIn(p.wallets[i % p.wallets.length]!)),
  );
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let completed = 0;
  const started = performance.now();
  const until = started + p.seconds * 1000;
  const progress = setInterval(() => p.onProgress?.(completed, (performance.now() - started) / 1000), 1000);
  const client = async (index: number) => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        tokens[index] = (await post("/v1/auth/refresh", { refresh_token: tokens[index] })).refresh_token!;
        latencies.push(performance.now() - t0);
        completed += 1;
      } catch (error) {
        const key = error instanceof Error ? error.message : String(error);
        errors[key] = (errors[key] ?? 0) + 1;
        tokens[index] = await signIn(p.wallets[index % p.wallets.length]!);
      }
    }
  };
  await Promise.all(tokens.map((_, index) => client(index)));
  clearInterval(progress);
  await pool.close();
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { completed, errors, seconds, perSecond: completed / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}
