import type { JsonWebKey, KeyObject } from "node:crypto";

/** The only JWS algorithm Sigil signs and accepts (RFC 8725: one algorithm, allowlisted). */
export const SIGNING_ALGORITHM = "ES256";

/** An access-token signing key. `kid` is the RFC 7638 thumbprint of the public key. */
export interface SigningKey {
  kid: string;
  alg: typeof SIGNING_ALGORITHM;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Public JWK as published in the JWKS (`kid`, `alg`, `use` included). */
  publicJwk: JsonWebKey & { kid: string; alg: string; use: "sig" };
  createdAt: Date;
}
