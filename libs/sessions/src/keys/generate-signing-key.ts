import { generateKeyPairSync } from "node:crypto";
import { jwkThumbprint } from "./jwk-thumbprint.js";
import { SIGNING_ALGORITHM, type SigningKey } from "./signing-key.js";

export interface GenerateSigningKeyParameters {
  now: Date;
}

/** A fresh P-256 key pair for ES256 access tokens. */
export function generateSigningKey({ now }: GenerateSigningKeyParameters): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return signingKeyFrom({ privateKey, publicKey, createdAt: now });
}

/** Builds a {@link SigningKey} around an existing key pair (e.g. one loaded from storage). */
export function signingKeyFrom({
  privateKey,
  publicKey,
  createdAt,
}: Pick<SigningKey, "privateKey" | "publicKey" | "createdAt">): SigningKey {
  const { kty, crv, x, y } = publicKey.export({ format: "jwk" });
  const jwk = { kty, crv, x, y };
  const kid = jwkThumbprint(jwk);
  return {
    kid,
    alg: SIGNING_ALGORITHM,
    privateKey,
    publicKey,
    publicJwk: { ...jwk, kid, alg: SIGNING_ALGORITHM, use: "sig" },
    createdAt,
  };
}
