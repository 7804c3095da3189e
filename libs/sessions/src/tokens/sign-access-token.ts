import { randomUUID, sign } from "node:crypto";
import { SIGNING_ALGORITHM, type SigningKey } from "../keys/signing-key.js";
import { ACCESS_TOKEN_TYPE, type AccessTokenClaims } from "./access-token-claims.js";

/** Longest access-token lifetime Sigil will sign (DESIGN.md: ≤ 15 min). */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 900;

export interface SignAccessTokenParameters {
  key: SigningKey;
  claims: Pick<AccessTokenClaims, "iss" | "aud" | "sub" | "scope" | "sid" | "act" | "cnf" | "scope_chains">;
  now: Date;
  ttlSeconds: number;
  /** Token id; a random UUID by default. */
  jti?: string;
}

const base64url = (json: unknown) => Buffer.from(JSON.stringify(json)).toString("base64url");

/**
 * Signs an RFC 9068 access token (ES256, `kid`, `typ: at+jwt`).
 *
 * The compact JWS (RFC 7515 §7.1) is written by hand rather than with jsonwebtoken: the same bytes
 * (header `{alg, typ, kid}` in that order, the claims as given plus `jti`, `iat`, `nbf`, `exp`), and a
 * raw 64-byte r‖s signature from node:crypto instead of a DER one converted in JS, which costs less
 * per token (docs/benchmarks.md). Claims are copied with Object.assign: V8 spreads them slower.
 */
export function signAccessToken({ key, claims, now, ttlSeconds, jti }: SignAccessTokenParameters): {
  token: string;
  claims: AccessTokenClaims;
} {
  if (!(ttlSeconds > 0 && ttlSeconds <= MAX_ACCESS_TOKEN_TTL_SECONDS)) {
    throw new RangeError(`access token lifetime must be 1..${MAX_ACCESS_TOKEN_TTL_SECONDS} s`);
  }
  // What jsonwebtoken checked: any other key would sign with a header that does not describe it.
  if (key.alg !== SIGNING_ALGORITHM || key.privateKey.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new TypeError("access tokens are signed with an ES256 (P-256) key");
  }
  const iat = Math.floor(now.getTime() / 1000);
  const full: AccessTokenClaims = Object.assign({}, claims, {
    jti: jti ?? randomUUID(),
    iat,
    nbf: iat,
    exp: iat + ttlSeconds,
  });
  const input = `${base64url({ alg: key.alg, typ: ACCESS_TOKEN_TYPE, kid: key.kid })}.${base64url(full)}`;
  const signature = sign("sha256", Buffer.from(input), { key: key.privateKey, dsaEncoding: "ieee-p1363" });
  return { token: `${input}.${signature.toString("base64url")}`, claims: full };
}
