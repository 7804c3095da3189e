/** RFC 9068 header `typ` of Sigil access tokens. */
export const ACCESS_TOKEN_TYPE = "at+jwt";

/** Claims of a Sigil access token (RFC 9068 profile). */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  /** CAIP-10 subject: `eip155:<chainId>:<checksummed address>`. */
  sub: string;
  /** Space-separated scopes (may be empty). */
  scope: string;
  /** Session id: revoking the session revokes the token. */
  sid: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  /** RFC 8693 actor, for delegated tokens. */
  act?: { sub: string };
  /** RFC 9449 key binding, for DPoP-bound tokens. */
  cnf?: { jkt: string };
  /**
   * Granted scopes that a policy source on a chain other than the sign-in chain could grant, with
   * those chains: a resource server trusts each only while the issuer confirms all its chains (P5).
   * Absent when the sign-in chain alone decides every scope.
   */
  scope_chains?: Record<string, number[]>;
}
