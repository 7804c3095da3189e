import { InsufficientScopeError } from "./verifier-errors.js";

/** The signature algorithms DPoP proofs may use (RFC 9449 §7.1 `algs`). */
export const DPOP_ALGORITHMS = "ES256 ES256K EdDSA";
/** The scheme a request presented its token with; undefined when it presented none we accept. */
export type TokenScheme = "bearer" | "dpop" | undefined;

// The verifier's 503s are brief by design (a JWKS cooldown, a feed poll): clients may retry soon.
const RETRY_SOON = { "Retry-After": "1" } as const;
const NO_CREDENTIALS = { "WWW-Authenticate": `Bearer, DPoP algs="${DPOP_ALGORITHMS}"` } as const;
const INVALID_DPOP_PROOF = {
  "WWW-Authenticate": `DPoP error="invalid_dpop_proof", algs="${DPOP_ALGORITHMS}"`,
} as const;

/**
 * Response headers for a refusal: the RFC 6750 §3 challenge in the scheme the request used (RFC 9449
 * §7.1 for DPoP), none of `error` without credentials (RFC 6750 §3.1), `Retry-After` for a 503.
 */
export function challengeHeadersOf(error: unknown, scheme: TokenScheme): Readonly<Record<string, string>> {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "invalid_token" && (error as { reason?: unknown }).reason === "missing") return NO_CREDENTIALS;
  if (code === "invalid_dpop_proof") return INVALID_DPOP_PROOF;
  let challenge: string | undefined;
  // Scopes match SCOPE_PATTERN (no quote or backslash), so they need no escaping.
  if (error instanceof InsufficientScopeError)
    challenge = `error="insufficient_scope", scope="${error.required.join(" ")}"`;
  else if (code === "invalid_token") challenge = 'error="invalid_token"';
  if (challenge !== undefined) {
    return {
      "WWW-Authenticate":
        scheme === "dpop" ? `DPoP ${challenge}, algs="${DPOP_ALGORITHMS}"` : `Bearer ${challenge}`,
    };
  }
  if (code === "jwks_unavailable" || code === "revocation_feed_stale" || code === "role_sync_stale") {
    return RETRY_SOON;
  }
  return {};
}
