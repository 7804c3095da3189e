import { createHmac, type KeyObject, randomBytes, sign } from "node:crypto";
import { canonicalRequest, SIGNED_REQUEST_HEADERS } from "./canonical-request.js";

/** An API key's signing material: the HMAC secret, or the Ed25519 private key. */
export type ApiKeySigner = { alg: "hmac-sha256"; secret: string } | { alg: "ed25519"; privateKey: KeyObject };

export interface SignRequestParameters {
  keyId: string;
  signer: ApiKeySigner;
  method: string;
  /** Path and raw query, exactly as sent. */
  target: string;
  body?: Uint8Array | string;
  now: Date;
  /** 128 random bits (hex) by default. */
  nonce?: string;
}

/** The four headers of a signed request (HMAC-SHA256 or Ed25519 over {@link canonicalRequest}). */
export function signRequest(p: SignRequestParameters): Record<string, string> {
  const timestamp = String(p.now.getTime());
  const nonce = p.nonce ?? randomBytes(16).toString("hex");
  const body = typeof p.body === "string" ? Buffer.from(p.body) : (p.body ?? new Uint8Array());
  const input = canonicalRequest({
    method: p.method,
    target: p.target,
    body,
    timestamp,
    nonce,
    keyId: p.keyId,
  });
  const signature =
    p.signer.alg === "hmac-sha256"
      ? createHmac("sha256", p.signer.secret).update(input).digest("base64url")
      : sign(null, Buffer.from(input), p.signer.privateKey).toString("base64url");
  return {
    [SIGNED_REQUEST_HEADERS.key]: p.keyId,
    [SIGNED_REQUEST_HEADERS.timestamp]: timestamp,
    [SIGNED_REQUEST_HEADERS.nonce]: nonce,
    [SIGNED_REQUEST_HEADERS.signature]: signature,
  };
}
