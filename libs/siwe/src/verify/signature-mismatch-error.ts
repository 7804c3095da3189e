import { SigilError } from "@sigil/core";

/** Why a well-formed signature was refused. Stable values: logs, audits and tests may switch on them. */
export type SignatureMismatchReason =
  /** The address passed for verification is not the one the message names. */
  | "address_not_in_message"
  /** No contract at the address, and the signature recovers another key's address. */
  | "other_signer"
  /** The wallet (EIP-1271) or the ERC-6492 validator answered, and the answer was "not valid". */
  | "contract_rejected"
  /** The verification call failed in the EVM: a revert, or out of gas within the cap. */
  | "contract_reverted";

/**
 * The signature is well formed but is not `address`'s signature of the message on this chain:
 * answered 401. Never raised when the chain could not be asked (that is `rpc_unavailable`).
 */
export class SignatureMismatchError extends SigilError {
  readonly code = "signature_mismatch";
  declare readonly details: { reason: SignatureMismatchReason; chainId?: number };

  constructor(reason: SignatureMismatchReason, options: { chainId?: number; cause?: unknown } = {}) {
    const { chainId, cause } = options;
    super(`signature mismatch: ${reason}`, {
      cause,
      details: chainId === undefined ? { reason } : { reason, chainId },
    });
  }
}
