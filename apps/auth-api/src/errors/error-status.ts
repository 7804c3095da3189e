/** HTTP status of every stable error code. Codes missing here are answered as 500. */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_request: 400,
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
  chain_id_mismatch: 503,
  database_unavailable: 503,
};

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
