import { createHash } from "node:crypto";

/** Headers of a signed API request (exchange style). */
export const SIGNED_REQUEST_HEADERS = {
  key: "x-sigil-key",
  timestamp: "x-sigil-timestamp",
  nonce: "x-sigil-nonce",
  signature: "x-sigil-signature",
} as const;

/** What a signature covers. */
export interface CanonicalRequestParts {
  method: string;
  /** The request target as sent: path and raw query (`/v1/x?a=1`). */
  target: string;
  body: Uint8Array;
  /** Milliseconds since the epoch, as sent in the timestamp header. */
  timestamp: string;
  nonce: string;
  keyId: string;
}

/**
 * The bytes a signed request signs: version, method, path, raw query, SHA-256 of the body,
 * timestamp, nonce and key id, one per line. Any change to any of them changes the signature.
 */
export function canonicalRequest(p: CanonicalRequestParts): string {
  const queryAt = p.target.indexOf("?");
  const path = queryAt === -1 ? p.target : p.target.slice(0, queryAt);
  const query = queryAt === -1 ? "" : p.target.slice(queryAt + 1);
  const bodyHash = createHash("sha256").update(p.body).digest("hex");
  return [
    "SIGIL-REQUEST-V1",
    p.method.toUpperCase(),
    path,
    query,
    bodyHash,
    p.timestamp,
    p.nonce,
    p.keyId,
  ].join("\n");
}
