/**
 * HTTP status of every code the verifier raises; merge it into an app's own code → status map
 * when the app answers errors with its own catch-all error handler.
 */
export const VERIFY_ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_token: 401,
  invalid_dpop_proof: 401,
  insufficient_scope: 403,
  jwks_unavailable: 503,
  revocation_feed_stale: 503,
  role_sync_stale: 503,
};
