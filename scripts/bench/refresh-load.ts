// Closed-loop load of refresh-token rotations: each client signs in once, then rotates its refresh
// token as fast as the auth-api answers (one transaction: rotate, grant and audit rows, new token).
import { Pool } from "undici";
import { jsonPoster, runClosedLoop } from "./closed-loop.js";
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
  const post = jsonPoster(pool);
  const walletOf = (client: number) => p.wallets[client % p.wallets.length]!;
  const signIn = async (wallet: Wallet) => {
    const { message } = await post("/v1/auth/challenge", { address: wallet.address, chainId: 31337 });
    return (await post("/v1/auth/login", { message, signature: personalSign(wallet, message!) }))
      .refresh_token!;
  };
  try {
    const tokens = await Promise.all(Array.from({ length: p.concurrency }, (_, i) => signIn(walletOf(i))));
    return await runClosedLoop({
      concurrency: p.concurrency,
      seconds: p.seconds,
      onProgress: p.onProgress,
      iteration: async (client) => {
        tokens[client] = (await post("/v1/auth/refresh", { refresh_token: tokens[client] })).refresh_token!;
      },
      // A failed rotation may have spent the token: start that client's family again.
      recover: async (client) => {
        tokens[client] = await signIn(walletOf(client));
      },
    });
  } finally {
    await pool.close();
  }
}
