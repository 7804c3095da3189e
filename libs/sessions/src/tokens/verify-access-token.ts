import jwt from "jsonwebtoken";
import type { KeyObject } from "node:crypto";
import { InvalidTokenError } from "../errors/token-errors.js";
import { SIGNING_ALGORITHM } from "../keys/signing-key.js";
import { ACCESS_TOKEN_TYPE, type AccessTokenClaims } from "./access-token-claims.js";

/** Largest token Sigil will look at; ours are well under 1 KiB. */
const MAX_TOKEN_LENGTH = 4096;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface VerifyAccessTokenParameters {
  token: string;
  /** Public key for a `kid`, or undefined when unknown. Only called with a well-formed kid. */
  resolveKey: (kid: string) => KeyObject | undefined;
  issuer: string;
  audience: string;
  now: Date;
  /** Allowed clock skew for `exp`, `nbf` and `iat` (≤ 30 s per SECURITY-TESTS B3). */
  clockToleranceSeconds?: number;
}

/**
 * Verifies a Sigil access token: ES256 only (no `none`, no HMAC), `typ: at+jwt`, a known `kid`
 * (`jku`, `x5u` and `jwk` headers are ignored), signature, `iss`, `aud`, `exp`, `nbf`, and the
 * claims Sigil relies on. Throws {@link InvalidTokenError} with a reason.
 */
export function verifyAccessToken({
  token,
  resolveKey,
  issuer,
  audience,
  now,
  clockToleranceSeconds = 30,
}: VerifyAccessTokenParameters): AccessTokenClaims {
  if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) {
    throw new InvalidTokenError("malformed", "token is not a compact JWS");
  }
  const header = decodeHeader(token);
  if (header.alg !== SIGNING_ALGORITHM)
    throw new InvalidTokenError("algorithm", "token algorithm not accepted");
  if (header.typ !== ACCESS_TOKEN_TYPE) throw new InvalidTokenError("type", "not an access token");
  if (typeof header.kid !== "string" || !KID_PATTERN.test(header.kid)) {
    throw new InvalidTokenError("key_unknown", "token key id missing or malformed");
  }
  const key = resolveKey(header.kid);
  if (!key) throw new InvalidTokenError("key_unknown", "token signed by an unknown key");

  let claims: unknown;
  try {
    claims = jwt.verify(token, key, {
      algorithms: [SIGNING_ALGORITHM],
      issuer,
      audience,
      clockTolerance: clockToleranceSeconds,
      clockTimestamp: Math.floor(now.getTime() / 1000),
    });
  } catch (error) {
    throw classify(error);
  }
  return assertClaims(claims);
}

function decodeHeader(token: string): Record<string, unknown> {
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf(".")), "base64url").toString("utf8"));
    if (header === null || typeof header !== "object" || Array.isArray(header))
      throw new Error("not an object");
    return header as Record<string, unknown>;
  } catch (cause) {
    throw new InvalidTokenError("malformed", "token header is not JSON", { cause });
  }
}

function classify(error: unknown): InvalidTokenError {
  if (error instanceof jwt.TokenExpiredError)
    return new InvalidTokenError("expired", "token expired", { cause: error });
  if (error instanceof jwt.NotBeforeError) {
    return new InvalidTokenError("not_yet_valid", "token not yet valid", { cause: error });
  }
  const message = error instanceof Error ? error.message : "";
  if (message.startsWith("jwt issuer invalid"))
    return new InvalidTokenError("issuer", "token issuer not accepted");
  if (message.startsWith("jwt audience invalid"))
    return new InvalidTokenError("audience", "token audience not accepted");
  if (message === "invalid signature") return new InvalidTokenError("signature", "token signature invalid");
  return new InvalidTokenError("malformed", "token could not be verified", { cause: error });
}

function assertClaims(value: unknown): AccessTokenClaims {
  const c = value as Partial<AccessTokenClaims> | null;
  const ok =
    c !== null &&
    typeof c === "object" &&
    typeof c.sub === "string" &&
    typeof c.scope === "string" &&
    typeof c.sid === "string" &&
    typeof c.jti === "string" &&
    typeof c.iat === "number" &&
    typeof c.exp === "number" &&
    (c.act === undefined || typeof c.act?.sub === "string") &&
    (c.cnf === undefined || typeof c.cnf?.jkt === "string") &&
    (c.scope_chains === undefined || isScopeChains(c.scope_chains));
  if (!ok) throw new InvalidTokenError("claims", "token lacks required claims");
  return c as AccessTokenClaims;
}

// A malformed claim must not pass as "no other chain": the guard would then skip its checks.
function isScopeChains(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.values(value).every(
      (chains) =>
        Array.isArray(chains) &&
        chains.every((chain) => Number.isSafeInteger(chain) && (chain as number) > 0),
    )
  );
}
