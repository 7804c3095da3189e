import jwt from "jsonwebtoken";
import { randomUUID } from "node:crypto";
import type { SigningKey } from "../keys/signing-key.js";
import { ACCESS_TOKEN_TYPE, type AccessTokenClaims } from "./access-token-claims.js";

/** Longest access-token lifetime Sigil will sign (DESIGN.md: ≤ 15 min). */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 900;

export interface SignAccessTokenParameters {
  key: SigningKey;
  claims: Pick<AccessTokenClaims, "iss" | "aud" | "sub" | "scope" | "sid" | "act" | "cnf">;
  now: Date;
  ttlSeconds: number;
  /** Token id; a random UUID by default. */
  jti?: string;
}

/** Signs an RFC 9068 access token (ES256, `kid`, `typ: at+jwt`). */
export function signAccessToken({ key, claims, now, ttlSeconds, jti }: SignAccessTokenParameters): {
  token: string;
  claims: AccessTokenClaims;
} {
  if (!(ttlSeconds > 0 && ttlSeconds <= MAX_ACCESS_TOKEN_TTL_SECONDS)) {
    throw new RangeError(`access token lifetime must be 1..${MAX_ACCESS_TOKEN_TTL_SECONDS} s`);
  }
  const iat = Math.floor(now.getTime() / 1000);
  const full: AccessTokenClaims = {
    ...claims,
    jti: jti ?? randomUUID(),
    iat,
    nbf: iat,
    exp: iat + ttlSeconds,
  };
  const token = jwt.sign(full, key.privateKey, {
    algorithm: key.alg,
    keyid: key.kid,
    header: { alg: key.alg, typ: ACCESS_TOKEN_TYPE, kid: key.kid },
  });
  return { token, claims: full };
}
