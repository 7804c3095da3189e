import { RpcUnavailableError } from "@sigil/core";

/**
 * What the chain said about a contract-wallet signature: valid, answered "not valid", failed in
 * the EVM (`cause` kept for logs), or there is no contract at the address (EIP-1271 path only).
 */
export type ContractCheck =
  | { readonly outcome: "valid" | "rejected" | "no_contract" }
  | { readonly outcome: "reverted"; readonly cause: unknown };

/** The chain could not be asked: the caller answers 503, never "invalid signature" (D1). */
export function verificationUnavailable(chainId: number, cause: unknown): RpcUnavailableError {
  return new RpcUnavailableError(`chain ${chainId}: RPC unavailable while verifying a wallet signature`, {
    cause,
    details: { chainId },
  });
}
