import type { TokenResponse } from "@sigil/core";
import type { StoredTokens } from "./token-storage.js";

/** The stored form of a token response received at `now` (epoch ms). */
export function toStoredTokens(response: TokenResponse, now: number): StoredTokens {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    expiresAt: now + response.expires_in * 1000,
    scope: response.scope.split(" ").filter(Boolean),
    sessionId: response.session_id,
    sub: response.sub,
  };
}
