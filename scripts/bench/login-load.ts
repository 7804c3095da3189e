// Closed-loop load of full SIWE sign-ins: challenge (nonce) → sign → login, from many wallets.
import { randomBytes } from "node:crypto";
import secp256k1 from "secp256k1";
import { Pool } from "undici";
import { jsonGetter, jsonPoster, runClosedLoop } from "./closed-loop.js";
import { createSiweMessage, eip191Digest } from "@sigil/siwe";
import { toHex, type Address } from "viem";
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

/**
 * personal_sign with native libsecp256k1 and native keccak, as a fast wallet would: the load
 * generator shares the machine's cores with the service it measures.
 */
export function personalSign(wallet: Wallet, message: string): `0x${string}` {
  const { signature, recid } = secp256k1.ecdsaSign(eip191Digest(message), wallet.privateKey);
  return `${toHex(signature)}${(27 + recid).toString(16)}` as `0x${string}`;
}

/** Signs `wallet` in (challenge → sign → login) through `post`; the login's JSON answer. */
export async function signIn(
  post: ReturnType<typeof jsonPoster>,
  wallet: Wallet,
): Promise<Record<string, string>> {
  const { message } = await post("/v1/auth/challenge", { address: wallet.address, chainId: 31337 });
  return post("/v1/auth/login", { message, signature: personalSign(wallet, message!) });
}

export interface SignedInSession {
  accessToken: string;
  refreshToken: string;
}

/** `count` real sessions, one per wallet in turn (wallets reused past their number), signed in at once. */
export async function signInSessions(p: {
  url: string;
  wallets: Wallet[];
  count: number;
}): Promise<SignedInSession[]> {
  const pool = new Pool(p.url, { connections: Math.min(p.count, 32), pipelining: 1 });
  const post = jsonPoster(pool);
  try {
    return await Promise.all(
      Array.from({ length: p.count }, async (_, i) => {
        const login = await signIn(post, p.wallets[i % p.wallets.length]!);
        return { accessToken: login.access_token!, refreshToken: login.refresh_token! };
      }),
    );
  } finally {
    await pool.close();
  }
}

export interface LoadResult {
  completed: number;
  errors: Record<string, number>;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * How a sign-in gets its message: `challenge` asks the server to prepare it (`POST
 * /v1/auth/challenge`); `nonce` takes a bare nonce (`GET /v1/auth/nonce`) and writes the message in
 * the client, as the siwe library and most wallet frontends do.
 */
export type SignInFlow = "challenge" | "nonce";

export interface LoginLoadParameters {
  url: string;
  /** Default `challenge`. */
  flow?: SignInFlow;
  wallets: Wallet[];
  concurrency: number;
  seconds: number;
  onProgress?: (completed: number, elapsedSeconds: number) => void;
}

/** Runs sign-ins for `seconds` with `concurrency` users in a closed loop and reports the rate. */
export async function runLoginLoad(p: LoginLoadParameters): Promise<LoadResult> {
  const pool = new Pool(p.url, { connections: p.concurrency, pipelining: 1 });
  const post = jsonPoster(pool);
  const get = jsonGetter(pool);
  let next = 0;
  // The binding the bench's auth-api derives from its issuer URL (SIGIL_SIWE_DOMAIN/URI unset).
  const domain = new URL(p.url).host;
  const messageFor = async (wallet: Wallet): Promise<string> => {
    if (p.flow !== "nonce") {
      return (await post("/v1/auth/challenge", { address: wallet.address, chainId: 31337 })).message!;
    }
    const { nonce } = await get("/v1/auth/nonce");
    return createSiweMessage({
      domain,
      address: wallet.address,
      statement: "Sign in to Sigil",
      uri: p.url,
      version: "1",
      chainId: 31337,
      nonce: nonce!,
      issuedAt: new Date().toISOString(),
    });
  };
  try {
    return await runClosedLoop({
      concurrency: p.concurrency,
      seconds: p.seconds,
      onProgress: p.onProgress,
      iteration: async () => {
        const wallet = p.wallets[next++ % p.wallets.length]!;
        const message = await messageFor(wallet);
        await post("/v1/auth/login", { message, signature: personalSign(wallet, message) });
      },
    });
  } finally {
    await pool.close();
  }
}
