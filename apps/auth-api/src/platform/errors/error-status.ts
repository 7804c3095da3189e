import type { SigilErrorCode } from "@sigil/core";

/** Codes Nest or Fastify raise themselves that no SigilError carries (see STATUS_CODE_NAMES). */
export type HttpErrorCode =
  | "forbidden"
  | "method_not_allowed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "request_timeout"
  | "headers_too_large";

/** Every stable code the auth-api answers with. */
export type ErrorCode = SigilErrorCode | HttpErrorCode;

/** HTTP status of every stable error code; `satisfies` makes the compiler check none is missing. */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_request: 400,
  invalid_grant: 400,
  invalid_client: 401,
  invalid_token: 401,
  nonce_unknown: 401,
  nonce_used: 401,
  nonce_expired: 401,
  challenge_mismatch: 401,
  siwe_message_invalid: 401,
  siwe_resource_not_allowed: 401,
  siwe_domain_mismatch: 401,
  siwe_uri_mismatch: 401,
  siwe_chain_not_allowed: 401,
  siwe_nonce_mismatch: 401,
  siwe_expired: 401,
  siwe_not_yet_valid: 401,
  siwe_issued_at_too_old: 401,
  siwe_issued_at_in_future: 401,
  signature_invalid: 401,
  signature_mismatch: 401,
  insufficient_scope: 403,
  siwe_message_too_large: 413,
  scope_invalid: 400,
  chain_not_configured: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  config_invalid: 500,
  rpc_unavailable: 503,
  registry_unavailable: 503,
  policy_source_unavailable: 503,
  chain_id_mismatch: 503,
  database_unavailable: 503,
  database_busy: 503,
  request_timeout: 408,
  headers_too_large: 431,
  role_sync_stale: 503,
  secret_unsealable: 500,
  signing_key_unavailable: 503,
  audit_chain_broken: 500,
  invalid_dpop_proof: 401,
  request_signature_invalid: 401,
  delegation_inactive: 401,
  delegation_signature_invalid: 403,
  delegation_scope_exceeded: 403,
  delegation_expiry_exceeded: 403,
  delegated_token_not_allowed: 403,
  client_address_not_allowed: 403,
  step_up_required: 403,
  delegation_nonce_used: 409,
  // Raised by @sigil/guard and the CLI's dev deploys, never by the auth-api itself.
  jwks_unavailable: 503,
  revocation_feed_stale: 503,
  transaction_reverted: 500,
} satisfies Record<ErrorCode, number>;

/** Codes for errors Nest or Express raise themselves (routing, body parsing), by HTTP status. */
export const STATUS_CODE_NAMES: Readonly<Record<number, string>> = {
  400: "invalid_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  503: "service_unavailable",
};
