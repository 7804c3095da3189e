// Closed-loop load of refresh-token rotations: each client signs in once, then rotates its refresh
// token as fast as the auth-api answers (one transaction: rotate, grant and audit rows, new token).
import { Pool } from "undici";
import { jsonPoster, runClosedLoop } from "./closed-loop.js";
import { type LoadResult, signIn, type Wallet } from "./login-load.js";

export interface RefreshLoadParameters {
  url: string;
  wallets: Wallet[];
  concurrency: number;
  seconds: number;
  /**
   * One refresh token per client, rotated in place so a later run goes on from them (`npm run
   * bench:ab` signs in before measuring); clients without one sign in first.
   */
  tokens?: string[];
  onProgress?: (completed: number, elapsedSeconds: number) => void;
}

/** Runs refreshes for `seconds` with `concurrency` signed-in clients and reports the rate. */
export async function runRefreshLoad(p: RefreshLoadParameters): Promise<LoadResult> {
  const pool = new Pool(p.url, { connections: p.concurrency, pipelining: 1 });
  const post = jsonPoster(pool);
  const walletOf = (client: number) => p.wallets[client % p.wallets.length]!;
  const refreshTokenOf = async (client: number) => (await signIn(post, walletOf(client))).refresh_token!;
  const tokens = p.tokens ?? [];
  try {
    await Promise.all(
      Array.from({ length: p.concurrency }, async (_, i) => (tokens[i] ??= await refreshTokenOf(i))),
    );
    return await runClosedLoop({
      concurrency: p.concurrency,
      seconds: p.seconds,
      onProgress: p.onProgress,
      iteration: async (client) => {
        tokens[client] = (await post("/v1/auth/refresh", { refresh_token: tokens[client] })).refresh_token!;
      },
      // A failed rotation may have spent the token: start that client's family again.
      recover: async (client) => {
        tokens[client] = await refreshTokenOf(client);
      },
    });
  } finally {
    await pool.close();
  }
}
