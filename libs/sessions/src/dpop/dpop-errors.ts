import { SigilError } from "@sigil/core";

/** Why a DPoP proof was refused; stable, for logs, metrics and tests. */
export type DpopInvalidReason =
  | "missing"
  | "malformed"
  | "type"
  | "algorithm"
  | "key"
  | "signature"
  | "method"
  | "url"
  | "iat"
  | "replayed"
  | "ath"
  | "key_mismatch";

/** A DPoP proof that must not be honoured (RFC 9449 `invalid_dpop_proof`, HTTP 401). */
export class InvalidDpopProofError extends SigilError {
  readonly code = "invalid_dpop_proof";
  readonly reason: DpopInvalidReason;

  constructor(reason: DpopInvalidReason, message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, details: { reason } });
    this.reason = reason;
  }
}
