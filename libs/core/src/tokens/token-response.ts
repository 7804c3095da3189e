/** The token response of login and refresh, as on the wire (DESIGN.md "HTTP contract"). */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  /** Space-separated granted scopes. */
  scope: string;
  session_id: string;
  /** CAIP-10 subject. */
  sub: string;
}
