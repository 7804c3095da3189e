import { SigilError } from "@sigil/core";

/** Why a token was refused; stable, for logs, metrics and tests (never shown beyond the message). */
export type TokenInvalidReason =
  | "missing"
  | "malformed"
  | "algorithm"
  | "type"
  | "key_unknown"
  | "signature"
  | "expired"
  | "not_yet_valid"
  | "issuer"
  | "audience"
  | "claims"
  | "revoked";

/** An access token that must not be honoured (RFC 6750 `invalid_token`, HTTP 401). */
export class InvalidTokenError extends SigilError {
  readonly code = "invalid_token";
  readonly reason: TokenInvalidReason;

  constructor(reason: TokenInvalidReason, message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, details: { reason } });
    this.reason = reason;
  }
}
