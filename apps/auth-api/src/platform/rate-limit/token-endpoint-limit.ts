import { SetMetadata } from "@nestjs/common";

/** Metadata key of the routes under the `token` limit. */
export const TOKEN_ENDPOINT_LIMIT = "sigil:token-endpoint-limit";

/**
 * Puts the route under the per-client-address `token` limit (`SIGIL_RATE_LIMIT_TOKEN`, on by
 * default), charged before the caller's proof or credential is checked (J6).
 */
export const TokenEndpointLimit = () => SetMetadata(TOKEN_ENDPOINT_LIMIT, true);
