// Closed-loop load of full SIWE sign-ins: challenge (nonce) → sign → login, from many wallets.
import { randomBytes } from "node:crypto";
import secp256k1 from "secp256k1";
import { Pool } from "undici";
import { jsonPoster, runClosedLoop } from "./closed-loop.js";
import { hashMessage, hexToBytes, toHex, type Address } from "viem";
import { privateKeyToAddress } from "viem/accounts";

export interface Wallet {
  address: Address;
  privateKey: Uint8Array;
}

/** `count` random wallets (no on-chain role) plus the given ones. */
export function makeWallets(count: number, extra: Wallet[] = []): Wallet[] {
  const wallets = [...extra];
  while (wallets.length < count + extra.length) {
    const privateKey = randomBytes(32);
    if (!secp256k1.privateKeyVerify(privateKey)) continue;
    wallets.push({ address: privateKeyToAddress(toHex(privateKey)), privateKey });
  }
  return wallets;
}

/** personal_sign with native libsecp256k1, as a fast wallet would (keeps the client off the CPU). */
export function personalSign(wallet: Wallet, message: string): `0x${string}` {
  const { signature, recid } = secp256k1.ecdsaSign(hexToBytes(hashMessage(message)), wallet.privateKey);
  return `${toHex(signature)}${(27 + recid).toString(16)}` as `0x${string}`;
}

export interface LoadResult {
  completed: number;
  errors: Record<string, number>;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoginLoadParameters {
  url: string;
  wallets: Wallet[];
  concurrency: number;
  seconds: number;
  onProgress?: (completed: number, elapsedSeconds: number) => void;
}

/** Runs sign-ins for `seconds` with `concurrency` users in a closed loop and reports the rate. */
export async function runLoginLoad(p: LoginLoadParameters): Promise<LoadResult> {
  const pool = new Pool(p.url, { connections: p.concurrency, pipelining: 1 });
  const post = jsonPoster(pool);
  let next = 0;
  try {
    return await runClosedLoop({
      concurrency: p.concurrency,
      seconds: p.seconds,
      onProgress: p.onProgress,
      iteration: async () => {
        const wallet = p.wallets[next++ % p.wallets.length]!;
        const { message } = await post("/v1/auth/challenge", { address: wallet.address, chainId: 31337 });
        await post("/v1/auth/login", { message, signature: personalSign(wallet, message!) });
      },
    });
  } finally {
    await pool.close();
  }
}
