import { RequestSignatureInvalidError } from "@sigil/core";
import { createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify } from "node:crypto";
import { canonicalRequest, SIGNED_REQUEST_HEADERS } from "./canonical-request.js";

const KEY_ID = /^sk_[A-Za-z0-9_-]{16,64}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const TIMESTAMP = /^[0-9]{13}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43,128}$/;
/** A10: timestamps more than this far ahead are refused. */
const MAX_FUTURE_MS = 1000;

/** The verification material of an API key. */
export type ApiKeyVerifier =
  { alg: "hmac-sha256"; secret: Buffer } | { alg: "ed25519"; publicKey: KeyObject };

export interface VerifySignedRequestParameters {
  headers: Record<string, string | string[] | undefined>;
  method: string;
  target: string;
  body: Uint8Array;
  now: Date;
  /** Accepted timestamp age in seconds (default 5, at most 60: A10). */
  windowSeconds: number;
  /** The key's material, or undefined when the key is unknown, revoked or expired. */
  resolveKey: (keyId: string) => Promise<ApiKeyVerifier | undefined>;
  /** Records the nonce; false when it was seen already. Called only once the signature is valid. */
  remember: (key: string, expiresAt: Date) => Promise<boolean>;
}

/**
 * Verifies a signed API request (A10): well-formed headers, timestamp within the window (at most
 * 1 s ahead), the signature over method, path, query, body hash, timestamp, nonce and key id
 * (constant-time for HMAC), and a nonce never accepted before. Returns the key id, or throws
 * {@link RequestSignatureInvalidError} whose `details.reason` says why.
 */
export async function verifySignedRequest(p: VerifySignedRequestParameters): Promise<string> {
  const keyId = single(p.headers[SIGNED_REQUEST_HEADERS.key]);
  const timestamp = single(p.headers[SIGNED_REQUEST_HEADERS.timestamp]);
  const nonce = single(p.headers[SIGNED_REQUEST_HEADERS.nonce]);
  const signature = single(p.headers[SIGNED_REQUEST_HEADERS.signature]);
  if (!KEY_ID.test(keyId) || !TIMESTAMP.test(timestamp) || !NONCE.test(nonce) || !SIGNATURE.test(signature)) {
    throw refused(
      "malformed",
      "a signed request needs well-formed X-Sigil-Key, -Timestamp, -Nonce and -Signature",
    );
  }
  const windowMs = Math.min(Math.max(p.windowSeconds, 1), 60) * 1000;
  const age = p.now.getTime() - Number(timestamp);
  if (age > windowMs || age < -MAX_FUTURE_MS)
    throw refused("timestamp", "the request timestamp is outside the window");
  const key = await p.resolveKey(keyId);
  if (!key) throw refused("key", "the API key is unknown, revoked or expired");
  const input = Buffer.from(
    canonicalRequest({ method: p.method, target: p.target, body: p.body, timestamp, nonce, keyId }),
  );
  const given = Buffer.from(signature, "base64url");
  const ok =
    key.alg === "hmac-sha256"
      ? constantTimeEqual(createHmac("sha256", key.secret).update(input).digest(), given)
      : given.length === 64 && verify(null, input, key.publicKey, given);
  if (!ok) throw refused("signature", "the request signature does not match");
  // Kept past the window (and the future allowance), so it cannot be replayed while acceptable.
  const expiresAt = new Date(Number(timestamp) + windowMs + MAX_FUTURE_MS + 1000);
  if (!(await p.remember(`req:${keyId}:${nonce}`, expiresAt)))
    throw refused("replayed", "this nonce was already used");
  return keyId;
}

/** An Ed25519 public key from its raw 32 bytes (base64url), as API keys store it. */
export function ed25519PublicKey(raw: string): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw }, format: "jwk" });
}

function constantTimeEqual(expected: Buffer, given: Buffer): boolean {
  // Lengths differ only for garbage; compare equal lengths so timing depends on neither value.
  return given.length === expected.length && timingSafeEqual(expected, given);
}

function single(value: string | string[] | undefined): string {
  return typeof value === "string" ? value : "";
}

function refused(reason: string, message: string): RequestSignatureInvalidError {
  return new RequestSignatureInvalidError(message, { details: { reason } });
}
