// Revocation propagation: an on-chain role revocation is mined → how long until the session's token
// is refused, at the auth-api (role sync) and at a resource server (libs/guard, via the feed).
import { accessRegistryAbi } from "@sigil/chain";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { createWalletClient, http, keccak256, stringToBytes } from "viem";
import { hardhat } from "viem/chains";
import type { BenchChain } from "./bench-environment.js";
import { percentiles } from "./closed-loop.js";
import { makeWallets, personalSign, type Wallet } from "./login-load.js";

export interface RevocationLatency {
  revocations: number;
  /** Revoke mined → auth-api answers 401 for the session's token. */
  authApi: { p50Ms: number; p99Ms: number; maxMs: number };
  /** Revoke mined → the venue (libs/guard, revocation feed) answers 401. */
  venue: { p50Ms: number; p99Ms: number; maxMs: number };
}

export interface RevocationLatencyParameters {
  chain: BenchChain;
  apiUrl: string;
  venueUrl: string;
  count: number;
  onProgress?: (line: string) => void;
}

const TRADER = keccak256(stringToBytes("TRADER"));

/** Grants TRADER to a fresh wallet, signs it in, revokes the role on-chain and times the refusals. */
export async function measureRevocationLatency(p: RevocationLatencyParameters): Promise<RevocationLatency> {
  const admin = createWalletClient({
    account: devAccount(DevAccountIndex.admin),
    chain: hardhat,
    transport: http(p.chain.url),
  });
  const send = async (functionName: "grantRole" | "revokeRole", wallet: Wallet) => {
    const hash = await admin.writeContract({
      address: p.chain.registry,
      abi: accessRegistryAbi,
      functionName,
      args: [TRADER, wallet.address],
    });
    // Hardhat automines: the block exists once the transaction is accepted; the receipt confirms it.
    const minedAt = performance.now();
    await p.chain.client.waitForTransactionReceipt({ hash, pollingInterval: 5 });
    return minedAt;
  };
  const authApi: number[] = [];
  const venue: number[] = [];
  for (const wallet of makeWallets(p.count)) {
    await send("grantRole", wallet);
    const token = await signInAsTrader(p.apiUrl, wallet);
    const bearer = { authorization: `Bearer ${token}` };
    const admitted = await fetch(`${p.venueUrl}/positions`, { headers: bearer });
    if (admitted.status !== 200) {
      throw new Error(
        `the venue did not admit a fresh trader token: ${admitted.status} ${await admitted.text()}`,
      );
    }
    const minedAt = await send("revokeRole", wallet);
    const [atApi, atVenue] = await Promise.all([
      refusedAfter(`${p.apiUrl}/v1/me`, bearer, minedAt),
      refusedAfter(`${p.venueUrl}/positions`, bearer, minedAt),
    ]);
    authApi.push(atApi);
    venue.push(atVenue);
    if (authApi.length % 10 === 0) p.onProgress?.(`  ${authApi.length}/${p.count} revocations timed`);
  }
  return { revocations: authApi.length, authApi: percentiles(authApi), venue: percentiles(venue) };
}

/** Signs in until the grant is visible (sign-in reads roles at a latest block cached for up to 1 s). */
async function signInAsTrader(apiUrl: string, wallet: Wallet): Promise<string> {
  const deadline = performance.now() + 5_000;
  for (;;) {
    const login = await signIn(apiUrl, wallet);
    if (login.scope?.includes("orders:write")) return login.access_token!;
    if (performance.now() > deadline) throw new Error("the fresh trader was not granted TRADER's scopes");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function signIn(apiUrl: string, wallet: Wallet): Promise<Record<string, string>> {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, string>>;
  };
  const { message } = await post("/v1/auth/challenge", { address: wallet.address, chainId: 31337 });
  return post("/v1/auth/login", { message, signature: personalSign(wallet, message!) });
}

/** Polls `url` every 2 ms until it answers 401; the time since `since`. */
async function refusedAfter(url: string, headers: Record<string, string>, since: number): Promise<number> {
  const deadline = since + 10_000;
  while (performance.now() < deadline) {
    if ((await fetch(url, { headers })).status === 401) return performance.now() - since;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`${url} still admitted a revoked session after 10 s`);
}
