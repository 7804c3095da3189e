/** EIP-712 domain name and version of Sigil delegations. */
export const DELEGATION_DOMAIN = { name: "Sigil Delegation", version: "1" } as const;

/** EIP-712 types of a delegation: what the owner's wallet signs. */
export const DELEGATION_TYPES = {
  Delegation: [
    { name: "owner", type: "address" },
    { name: "delegateJkt", type: "string" },
    { name: "scopes", type: "string[]" },
    { name: "expiresAt", type: "uint64" },
    { name: "maxRequestsPerMinute", type: "uint32" },
    { name: "allowedClients", type: "string[]" },
    { name: "nonce", type: "bytes32" },
  ],
} as const;

/**
 * The signed delegation. `delegateJkt` is the RFC 7638 thumbprint of the session key's public JWK,
 * so the signature binds one key; `expiresAt` is unix seconds; `maxRequestsPerMinute` 0 = no limit;
 * `allowedClients` empty = any client address.
 */
export interface DelegationMessage {
  owner: `0x${string}`;
  delegateJkt: string;
  scopes: string[];
  expiresAt: bigint;
  maxRequestsPerMinute: number;
  allowedClients: string[];
  nonce: `0x${string}`;
}

/** The full EIP-712 payload for `chainId`, as `signTypedData` and `verifyTypedData` take it. */
export function delegationTypedData(p: { chainId: number; message: DelegationMessage }) {
  return {
    domain: { ...DELEGATION_DOMAIN, chainId: p.chainId },
    types: DELEGATION_TYPES,
    primaryType: "Delegation" as const,
    message: p.message,
  };
}
