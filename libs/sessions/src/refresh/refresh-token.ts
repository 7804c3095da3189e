import { createHash } from "node:crypto";
import { randomSecret } from "../random/random-secret.js";

/** Prefix that tells a Sigil refresh token apart (secret scanners, and never a JWT). */
const PREFIX = "srt_";
const REFRESH_TOKEN_PATTERN = /^srt_[A-Za-z0-9_-]{43}$/;

/** A new refresh token (256 bits from the CSPRNG) and the hash that is all Sigil stores. */
export function generateRefreshToken(): { token: string; hash: Buffer } {
  const token = `${PREFIX}${randomSecret(32).toString("base64url")}`;
  return { token, hash: hashRefreshToken(token) };
}

/** SHA-256 of a refresh token: enough for a 256-bit random secret (no slow hash needed). */
export function hashRefreshToken(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

/** True when `value` has the shape of a Sigil refresh token (checked before any lookup). */
export function isRefreshTokenShape(value: string): boolean {
  return REFRESH_TOKEN_PATTERN.test(value);
}
