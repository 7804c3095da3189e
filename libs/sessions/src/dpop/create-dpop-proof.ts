import { createHash, createPublicKey, type KeyObject, randomUUID, sign } from "node:crypto";
import { algorithmOfKey, publicJwkFor } from "./public-key-jwk.js";

/** RFC 9449 header `typ` of a DPoP proof. */
export const DPOP_PROOF_TYPE = "dpop+jwt";

export interface CreateDpopProofParameters {
  /** The session key (Ed25519, secp256k1 or P-256 private key). */
  privateKey: KeyObject;
  /** HTTP method of the request. */
  htm: string;
  /** Request URL without query or fragment. */
  htu: string;
  now: Date;
  /** The access token the request carries (adds `ath`); absent at the token endpoint. */
  accessToken?: string;
  /** Proof id; a random UUID by default. */
  jti?: string;
}

/** Signs an RFC 9449 DPoP proof with the session key (its public JWK in the header). */
export function createDpopProof(p: CreateDpopProofParameters): string {
  const publicKey = createPublicKey(p.privateKey);
  const alg = algorithmOfKey(publicKey);
  const jwk = publicJwkFor(alg, publicKey.export({ format: "jwk" }));
  const header = { typ: DPOP_PROOF_TYPE, alg, jwk };
  const payload = {
    jti: p.jti ?? randomUUID(),
    htm: p.htm,
    htu: p.htu,
    iat: Math.floor(p.now.getTime() / 1000),
    ...(p.accessToken === undefined ? {} : { ath: accessTokenHash(p.accessToken) }),
  };
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signJws(alg, p.privateKey, input).toString("base64url")}`;
}

/** `ath`: base64url SHA-256 of the access token (RFC 9449 §4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash("sha256").update(accessToken).digest("base64url");
}

/** A JWS signature: raw r||s for ECDSA (RFC 7518 §3.4), plain Ed25519 for EdDSA. */
export function signJws(alg: string, privateKey: KeyObject, input: string): Buffer {
  return alg === "EdDSA"
    ? sign(null, Buffer.from(input), privateKey)
    : sign("sha256", Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" });
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
