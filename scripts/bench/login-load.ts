// Closed-loop load of full SIWE sign-ins: challenge (nonce) → sign → login, from many wallets.
import { randomBytes } from "node:crypto";
import secp256k1 from "secp256k1";
import { Pool } from "undici";
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
  const post = async (path: string, body: unknown) => {
    const response = await pool.request({
      method: "POST",
      path,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await response.body.json()) as Record<string, unknown>;
    if (response.statusCode !== 200) throw new Error(String(json.error ?? response.statusCode));
    return json;
  };
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let completed = 0;
  let next = 0;
  const started = performance.now();
  const until = started + p.seconds * 1000;
  const progress = setInterval(() => p.onProgress?.(completed, (performance.now() - started) / 1000), 1000);
  const user = async () => {
    while (performance.now() < until) {
      const wallet = p.wallets[next++ % p.wallets.length]!;
      const t0 = performance.now();
      try {
        const challenge = await post("/v1/auth/challenge", { address: wallet.address, chainId: 31337 });
        const message = String(challenge.message);
        await post("/v1/auth/login", { message, signature: personalSign(wallet, message) });
        latencies.push(performance.now() - t0);
        completed += 1;
      } catch (error) {
        const key = error instanceof Error ? error.message : String(error);
        errors[key] = (errors[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: p.concurrency }, user));
  clearInterval(progress);
  await pool.close();
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { completed, errors, seconds, perSecond: completed / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}
