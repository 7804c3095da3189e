import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";

/** Proof-of-possession algorithms Sigil accepts for session keys and DPoP proofs. */
export const DPOP_ALGORITHMS = ["ES256", "ES256K", "EdDSA"] as const;
export type DpopAlgorithm = (typeof DPOP_ALGORITHMS)[number];

const CURVE_OF: Readonly<Record<DpopAlgorithm, { kty: string; crv: string }>> = {
  ES256: { kty: "EC", crv: "P-256" },
  ES256K: { kty: "EC", crv: "secp256k1" },
  EdDSA: { kty: "OKP", crv: "Ed25519" },
};

const B64URL = /^[A-Za-z0-9_-]{1,128}$/;

/** The public members of `jwk` for `alg` only (RFC 7638 required members), or throws. */
export function publicJwkFor(alg: DpopAlgorithm, jwk: unknown): JsonWebKey {
  const j = jwk as Record<string, unknown> | null;
  const want = CURVE_OF[alg];
  if (j === null || typeof j !== "object" || j.kty !== want.kty || j.crv !== want.crv) {
    throw new TypeError(`a ${want.crv} public JWK is required for ${alg}`);
  }
  // A private member in a proof header would leak the key: refuse rather than strip (RFC 9449 §4.2).
  if ("d" in j) throw new TypeError("the JWK must not contain a private key");
  if (typeof j.x !== "string" || !B64URL.test(j.x)) throw new TypeError("JWK x is missing");
  if (want.kty === "OKP") return { kty: "OKP", crv: want.crv, x: j.x };
  if (typeof j.y !== "string" || !B64URL.test(j.y)) throw new TypeError("JWK y is missing");
  return { kty: "EC", crv: want.crv, x: j.x, y: j.y };
}

/** RFC 7638 SHA-256 thumbprint (base64url) of an EC or OKP public JWK: the `jkt` of RFC 9449. */
export function publicJwkThumbprint(jwk: JsonWebKey): string {
  // Required members only, in lexicographic order, no whitespace (RFC 7638 §3.2).
  const canonical =
    jwk.kty === "OKP"
      ? `{"crv":"${jwk.crv}","kty":"OKP","x":"${jwk.x}"}`
      : `{"crv":"${jwk.crv}","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;
  return createHash("sha256").update(canonical).digest("base64url");
}

/** The algorithm a public key signs with, from its curve. */
export function algorithmOfKey(key: KeyObject): DpopAlgorithm {
  if (key.asymmetricKeyType === "ed25519") return "EdDSA";
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === "secp256k1") return "ES256K";
  if (curve === "prime256v1" || curve === "P-256") return "ES256";
  throw new TypeError("session keys must be Ed25519, secp256k1 or P-256");
}

/** A Node public key from a JWK that {@link publicJwkFor} accepted. */
export function keyFromJwk(jwk: JsonWebKey): KeyObject {
  return createPublicKey({ key: jwk, format: "jwk" });
}
