import { SigilError } from "@sigil/core";

/** The token is valid but lacks a scope the route requires (RFC 6750 `insufficient_scope`, 403). */
export class InsufficientScopeError extends SigilError {
  readonly code = "insufficient_scope";
  /** Every scope the route requires (what RFC 6750 puts in the challenge's `scope`). */
  readonly required: readonly string[];

  constructor(required: readonly string[]) {
    super(`this route requires the scopes: ${required.join(" ")}`, { details: { required } });
    this.required = required;
  }
}

/** No verification key is available: the JWKS could not be fetched. Fail closed (503). */
export class JwksUnavailableError extends SigilError {
  readonly code = "jwks_unavailable";
}

/** The issuer has not confirmed the chain's roles recently: scope checks fail closed (503). */
export class RoleSyncStaleError extends SigilError {
  readonly code = "role_sync_stale";
}

/** The revocation feed has not answered within its allowed staleness. Fail closed (503). */
export class RevocationFeedStaleError extends SigilError {
  readonly code = "revocation_feed_stale";
}
