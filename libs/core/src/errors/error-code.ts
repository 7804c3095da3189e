/**
 * Every stable code a {@link SigilError} may carry, whichever lib raises it. A new error class must
 * add its code here, and the auth-api's status map must then give it a status, or typecheck fails.
 */
export type SigilErrorCode =
  // @sigil/core
  | "config_invalid"
  | "invalid_request"
  | "scope_invalid"
  | "chain_not_configured"
  | "rpc_unavailable"
  | "registry_unavailable"
  | "policy_source_unavailable"
  | "database_unavailable"
  | "internal_error"
  | "chain_id_mismatch"
  | "secret_unsealable"
  | "signing_key_unavailable"
  | "role_sync_stale"
  | "audit_chain_broken"
  | "nonce_unknown"
  | "nonce_used"
  | "nonce_expired"
  | "challenge_mismatch"
  | "siwe_resource_not_allowed"
  | "invalid_grant"
  | "invalid_client"
  | "unauthorized"
  | "insufficient_scope"
  | "not_found"
  | "rate_limited"
  | "delegation_scope_exceeded"
  | "delegation_expiry_exceeded"
  | "delegation_signature_invalid"
  | "delegation_inactive"
  | "delegation_nonce_used"
  | "step_up_required"
  | "delegated_token_not_allowed"
  | "client_address_not_allowed"
  | "request_signature_invalid"
  // @sigil/siwe
  | "siwe_message_too_large"
  | "siwe_message_invalid"
  | "siwe_domain_mismatch"
  | "siwe_uri_mismatch"
  | "siwe_chain_not_allowed"
  | "siwe_nonce_mismatch"
  | "siwe_expired"
  | "siwe_not_yet_valid"
  | "siwe_issued_at_too_old"
  | "siwe_issued_at_in_future"
  | "signature_invalid"
  | "signature_mismatch"
  // @sigil/sessions
  | "invalid_token"
  | "invalid_dpop_proof"
  // @sigil/guard
  | "jwks_unavailable"
  | "revocation_feed_stale"
  // @sigil/chain (dev deploys)
  | "transaction_reverted"
  // the auth-api
  | "database_busy";
