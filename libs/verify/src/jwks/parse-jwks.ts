import { SIGNING_ALGORITHM } from "@sigil/sessions";
import { createPublicKey, type KeyObject } from "node:crypto";
import { z } from "zod";

const KID = /^[A-Za-z0-9_-]{1,128}$/;

const jwksSchema = z.object({ keys: z.array(z.looseObject({ kid: z.unknown() })).max(100) });

/**
 * Verification keys of a JWKS document, by `kid`. Only what Sigil signs with is kept: EC P-256
 * signing keys for ES256; anything else (RSA, `use: enc`, other curves) is skipped.
 * Throws when the document has no such key, so a broken answer never replaces good keys.
 */
export function parseJwks(document: unknown): Map<string, KeyObject> {
  const { keys } = jwksSchema.parse(document);
  const parsed = new Map<string, KeyObject>();
  for (const jwk of keys) {
    if (!isEs256VerificationKey(jwk)) continue;
    try {
      parsed.set(
        jwk.kid,
        createPublicKey({ key: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, format: "jwk" }),
      );
    } catch {
      // A point off the curve or bad base64url: skip that key, keep the others.
    }
  }
  if (parsed.size === 0) throw new Error("JWKS holds no ES256 P-256 verification key");
  return parsed;
}

function isEs256VerificationKey(
  jwk: Record<string, unknown>,
): jwk is { kid: string; x: string; y: string } & Record<string, unknown> {
  return (
    typeof jwk.kid === "string" &&
    KID.test(jwk.kid) &&
    jwk.kty === "EC" &&
    jwk.crv === "P-256" &&
    typeof jwk.x === "string" &&
    typeof jwk.y === "string" &&
    (jwk.alg === undefined || jwk.alg === SIGNING_ALGORITHM) &&
    (jwk.use === undefined || jwk.use === "sig")
  );
}
