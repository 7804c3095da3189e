import { SigilError } from "./sigil-error.js";

/** The login nonce was never issued (or was purged). */
export class NonceUnknownError extends SigilError {
  readonly code = "nonce_unknown";
}

/** The login nonce was already consumed: each nonce signs in once. */
export class NonceUsedError extends SigilError {
  readonly code = "nonce_used";
}

/** The login nonce outlived its lifetime. */
export class NonceExpiredError extends SigilError {
  readonly code = "nonce_expired";
}

/** The signed message does not match the challenge the server prepared for that nonce. */
export class ChallengeMismatchError extends SigilError {
  readonly code = "challenge_mismatch";
}

/** A SIWE `Resources` entry that is not a Sigil scope URN. */
export class ResourceNotAllowedError extends SigilError {
  readonly code = "siwe_resource_not_allowed";
}

/** A refresh token that is unknown, expired, revoked or reused (RFC 6749 `invalid_grant`). */
export class InvalidGrantError extends SigilError {
  readonly code = "invalid_grant";
}

/** Client authentication (resource-server credentials) failed (RFC 6749 `invalid_client`). */
export class InvalidClientError extends SigilError {
  readonly code = "invalid_client";
}

/** No valid credentials were presented. */
export class UnauthorizedError extends SigilError {
  readonly code = "unauthorized";
}

/** The token is valid but lacks a scope the route needs (RFC 6750). */
export class InsufficientScopeError extends SigilError {
  readonly code = "insufficient_scope";
}

/** The resource does not exist or is not the caller's (never says which). */
export class NotFoundError extends SigilError {
  readonly code = "not_found";
}

/** Too many requests; `details.retryAfterSeconds` says when to come back. */
export class RateLimitedError extends SigilError {
  readonly code = "rate_limited";
}
