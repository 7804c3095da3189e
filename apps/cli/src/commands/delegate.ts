import { devAccount } from "@sigil/chain/dev";
import { ownerApi, signDelegation } from "@sigil/client/node";
import { privateKeyToAccount } from "viem/accounts";
import type { LocalAccount } from "viem";
import { readSessionKey } from "./session-key.js";

/** Where the auth-api answers (`--url`, else SIGIL_URL, else dev mode's). */
export const sigilUrl = (url: string | undefined) => url ?? process.env.SIGIL_URL ?? "http://127.0.0.1:3000";

/** The owner's wallet: `--wallet-key 0x…` (or SIGIL_WALLET_KEY), or a dev account (`--dev-account N`). */
export function ownerWallet(p: {
  walletKey: string | undefined;
  devAccount: string | undefined;
}): LocalAccount {
  const key = p.walletKey ?? process.env.SIGIL_WALLET_KEY;
  if (key) return privateKeyToAccount(key as `0x${string}`);
  if (p.devAccount !== undefined) return devAccount(Number(p.devAccount));
  throw new Error("the owner's wallet is needed: --wallet-key 0x… (or SIGIL_WALLET_KEY) or --dev-account N");
}

/** Signs in with the owner's wallet (SIWE challenge → personal_sign → login): a fresh owner token (step-up). */
export async function ownerSignIn(p: { url: string; wallet: LocalAccount; chainId: number }) {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${p.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${path}: ${String(json.message)} [${String(json.error)}]`);
    return json;
  };
  const challenge = await post("/v1/auth/challenge", { address: p.wallet.address, chainId: p.chainId });
  const signature = await p.wallet.signMessage({ message: String(challenge.message) });
  const login = await post("/v1/auth/login", { message: challenge.message, signature });
  return ownerApi({ baseUrl: p.url, accessToken: String(login.access_token) });
}

export interface DelegateParameters {
  url: string | undefined;
  walletKey: string | undefined;
  devAccount: string | undefined;
  chainId: number;
  keyFile: string;
  scopes: string[];
  expiresInSeconds: number;
  maxRequestsPerMinute?: number;
  allowedClients?: string[];
}

/** `sigil delegate --key FILE --scope S…`: the owner signs an EIP-712 delegation to the bot's key and registers it. */
export async function delegate(p: DelegateParameters): Promise<void> {
  if (p.scopes.length === 0) throw new Error("name at least one --scope");
  const url = sigilUrl(p.url);
  const wallet = ownerWallet(p);
  const sessionKey = await readSessionKey(p.keyFile);
  const owner = await ownerSignIn({ url, wallet, chainId: p.chainId });
  const signed = await signDelegation({
    owner: wallet as never,
    sessionKey,
    terms: {
      scopes: p.scopes,
      expiresAt: Math.floor(Date.now() / 1000) + p.expiresInSeconds,
      chainId: p.chainId,
      ...(p.maxRequestsPerMinute === undefined ? {} : { maxRequestsPerMinute: p.maxRequestsPerMinute }),
      ...(p.allowedClients === undefined ? {} : { allowedClients: p.allowedClients }),
    },
  });
  console.log(JSON.stringify(await owner.createDelegation(signed), null, 2));
}

/** `sigil delegate list|revoke <id>`: the owner's delegations. */
export async function delegationAdmin(p: {
  action: "list" | "revoke";
  id: string | undefined;
  url: string | undefined;
  walletKey: string | undefined;
  devAccount: string | undefined;
  chainId: number;
}): Promise<void> {
  const owner = await ownerSignIn({ url: sigilUrl(p.url), wallet: ownerWallet(p), chainId: p.chainId });
  if (p.action === "list") {
    console.log(JSON.stringify(await owner.listDelegations(), null, 2));
    return;
  }
  if (!p.id) throw new Error("usage: sigil delegate revoke <id>");
  await owner.revokeDelegation(p.id);
  console.log(`revoked ${p.id}: its bots' tokens are refused from now on`);
}
