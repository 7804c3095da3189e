import type { StoredTokens } from "./token-storage.js";

/** Sigil's token response (login and refresh), as on the wire. */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  scope: string;
  session_id: string;
  sub: string;
}

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
