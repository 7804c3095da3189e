/**
 * How long HTTP caches may keep the JWKS. A new key is published at least this long before it signs
 * (production refuses a shorter SIGIL_KEY_PUBLISH_LEAD), so no cached copy misses a signing key.
 */
export const JWKS_MAX_AGE_SECONDS = 60;
