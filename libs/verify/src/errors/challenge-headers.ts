import { InsufficientScopeError } from "./guard-errors.js";

const INVALID_TOKEN = { "WWW-Authenticate": 'Bearer error="invalid_token"' } as const;
const INVALID_DPOP_PROOF = {
  "WWW-Authenticate": 'DPoP error="invalid_dpop_proof", algs="ES256 ES256K EdDSA"',
} as const;
// The guard's 503s are brief by design (a JWKS cooldown, a feed poll): clients may retry soon.
const RETRY_SOON = { "Retry-After": "1" } as const;

/** Response headers for a guard failure: the RFC 6750 §3 challenge, or `Retry-After` for a 503. */
export function challengeHeadersOf(error: unknown): Readonly<Record<string, string>> {
  if (error instanceof InsufficientScopeError) {
    // Scopes match SCOPE_PATTERN (no quote or backslash), so they need no escaping.
    return { "WWW-Authenticate": `Bearer error="insufficient_scope", scope="${error.required.join(" ")}"` };
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "invalid_token") return INVALID_TOKEN;
  if (code === "invalid_dpop_proof") return INVALID_DPOP_PROOF;
  if (code === "jwks_unavailable" || code === "revocation_feed_stale" || code === "role_sync_stale") {
    return RETRY_SOON;
  }
  return {};
}
