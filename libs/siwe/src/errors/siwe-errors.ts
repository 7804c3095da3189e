import { SigilError } from "@sigil/core";

/** Maximum size of a SIWE message in UTF-8 bytes; larger input is refused before any parsing. */
export const MAX_SIWE_MESSAGE_BYTES = 4096;

/** The message exceeds {@link MAX_SIWE_MESSAGE_BYTES}; the service answers 413. */
export class SiweMessageTooLargeError extends SigilError {
  readonly code = "siwe_message_too_large";
}

/**
 * Why a message (or a set of fields) is not a valid EIP-4361 message. Stable values: clients and
 * tests may switch on them. They name the part that failed and never echo the input.
 */
export type SiweMessageInvalidReason =
  | "not_a_string"
  | "not_an_object"
  | "carriage_return"
  | "invalid_character"
  | "invalid_header"
  | "invalid_scheme"
  | "invalid_domain"
  | "invalid_address"
  | "address_not_checksummed"
  | "expected_blank_line"
  | "invalid_statement"
  | "missing_uri"
  | "invalid_uri"
  | "missing_version"
  | "invalid_version"
  | "missing_chain_id"
  | "invalid_chain_id"
  | "chain_id_out_of_range"
  | "missing_nonce"
  | "invalid_nonce"
  | "missing_issued_at"
  | "invalid_issued_at"
  | "invalid_expiration_time"
  | "invalid_not_before"
  | "invalid_request_id"
  | "invalid_resources"
  | "invalid_resource"
  | "trailing_data";

/**
 * Details of a {@link SiweMessageInvalidError}: the reason and, when parsing, the 1-based line or,
 * when creating, the field name.
 */
export type SiweMessageInvalidDetails = {
  reason: SiweMessageInvalidReason;
  line?: number;
  field?: string;
};

/** The text (or the fields) do not form a valid EIP-4361 message; `details.reason` says why. */
export class SiweMessageInvalidError extends SigilError {
  readonly code = "siwe_message_invalid";
  declare readonly details: SiweMessageInvalidDetails;

  constructor(details: SiweMessageInvalidDetails, options: { cause?: unknown } = {}) {
    super(`SIWE message invalid: ${details.reason}`, { ...options, details });
  }
}

/** The message's domain (or scheme) is not the configured one (A2). */
export class SiweDomainMismatchError extends SigilError {
  readonly code = "siwe_domain_mismatch";
}

/** The message's URI is neither the configured origin nor under it (A2). */
export class SiweUriMismatchError extends SigilError {
  readonly code = "siwe_uri_mismatch";
}

/** The message's chain id is not one Sigil is configured to accept (A3). */
export class SiweChainNotAllowedError extends SigilError {
  readonly code = "siwe_chain_not_allowed";
}

/** The message's nonce is not the one the server issued (A1). */
export class SiweNonceMismatchError extends SigilError {
  readonly code = "siwe_nonce_mismatch";
}

/** `now` is at or past the message's Expiration Time (plus the allowed clock skew) (A5). */
export class SiweExpiredError extends SigilError {
  readonly code = "siwe_expired";
}

/** `now` is before the message's Not Before (minus the allowed clock skew) (A5). */
export class SiweNotYetValidError extends SigilError {
  readonly code = "siwe_not_yet_valid";
}

/** The message's Issued At is older than the allowed age (A5). */
export class SiweIssuedAtTooOldError extends SigilError {
  readonly code = "siwe_issued_at_too_old";
}

/** The message's Issued At lies further in the future than the allowed clock skew (A5). */
export class SiweIssuedAtInFutureError extends SigilError {
  readonly code = "siwe_issued_at_in_future";
}

/** Why a signature was refused. Stable values. */
export type SignatureInvalidReason =
  | "not_a_string"
  | "malformed_hex"
  | "wrong_length"
  | "invalid_recovery_id"
  | "scalar_out_of_range"
  | "recovery_failed";

/** The signature is malformed or no public key can be recovered from it; never a 500. */
export class SignatureInvalidError extends SigilError {
  readonly code = "signature_invalid";
  declare readonly details: { reason: SignatureInvalidReason };

  constructor(reason: SignatureInvalidReason, options: { cause?: unknown } = {}) {
    super(`signature invalid: ${reason}`, { ...options, details: { reason } });
  }
}
