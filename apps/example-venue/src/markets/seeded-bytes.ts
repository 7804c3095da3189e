import { createHash } from "node:crypto";

/**
 * Deterministic pseudo-random bytes for an address and a purpose, so each wallet sees the same
 * fake book on every request and every restart (address case does not matter).
 */
export function seededBytes(address: string, purpose: string): Buffer {
  return createHash("sha256").update(`${purpose}:${address.toLowerCase()}`).digest();
}
