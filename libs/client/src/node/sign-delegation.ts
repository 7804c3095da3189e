import { delegationTypedData } from "@sigil/core";
import { randomBytes } from "node:crypto";
import type { SessionKey } from "./session-key.js";

/** The owner's wallet: anything with viem's `signTypedData` (a LocalAccount, or a WalletClient's account). */
export interface TypedDataSigner {
  address: `0x${string}`;
  signTypedData: (typedData: ReturnType<typeof delegationTypedData>) => Promise<`0x${string}`>;
}

/** What the owner delegates. */
export interface DelegationTerms {
  scopes: string[];
  /** Unix seconds; at most the owner's sign-in lifetime. */
  expiresAt: number;
  chainId: number;
  maxRequestsPerMinute?: number;
  allowedClients?: string[];
}

/** The body of `POST /v1/delegations`. */
export interface SignedDelegation {
  delegateJwk: Record<string, string>;
  scopes: string[];
  expiresAt: number;
  maxRequestsPerMinute: number;
  allowedClients: string[];
  nonce: `0x${string}`;
  signature: `0x${string}`;
}

/** Has the owner's wallet sign the EIP-712 delegation of `terms` to `sessionKey`. */
export async function signDelegation(p: {
  owner: TypedDataSigner;
  sessionKey: SessionKey;
  terms: DelegationTerms;
}): Promise<SignedDelegation> {
  const nonce = `0x${randomBytes(32).toString("hex")}` as const;
  const message = {
    owner: p.owner.address,
    delegateJkt: p.sessionKey.jkt,
    scopes: p.terms.scopes,
    expiresAt: BigInt(p.terms.expiresAt),
    maxRequestsPerMinute: p.terms.maxRequestsPerMinute ?? 0,
    allowedClients: p.terms.allowedClients ?? [],
    nonce,
  };
  const signature = await p.owner.signTypedData(delegationTypedData({ chainId: p.terms.chainId, message }));
  return {
    delegateJwk: p.sessionKey.publicJwk,
    scopes: p.terms.scopes,
    expiresAt: p.terms.expiresAt,
    maxRequestsPerMinute: message.maxRequestsPerMinute,
    allowedClients: message.allowedClients,
    nonce,
    signature,
  };
}
