import { SignatureInvalidError } from "../errors/siwe-errors.js";

/** secp256k1 group order n. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const SIGNATURE_HEX = /^0x[0-9a-fA-F]*$/;

/** A 65-byte `r ‖ s ‖ v` signature split for recovery. */
export interface ParsedSignature {
  /** 64 bytes `r ‖ s`. */
  readonly compact: Uint8Array;
  readonly recoveryId: 0 | 1;
}

/**
 * Reads a 65-byte hex signature with `v` ∈ {27, 28, 0, 1} and 0 < r, s < n. High `s` is accepted
 * as `ecrecover` does: replay is stopped by the single-use nonce, not by signature uniqueness.
 *
 * @throws {SignatureInvalidError} anything else.
 */
export function parseSignature(signature: unknown): ParsedSignature {
  if (typeof signature !== "string") throw new SignatureInvalidError("not_a_string");
  if (!SIGNATURE_HEX.test(signature) || signature.length % 2 !== 0) {
    throw new SignatureInvalidError("malformed_hex");
  }
  if (signature.length !== 2 + 65 * 2) throw new SignatureInvalidError("wrong_length");
  const v = Number.parseInt(signature.slice(130), 16);
  const recoveryId = v === 27 || v === 0 ? 0 : v === 28 || v === 1 ? 1 : undefined;
  if (recoveryId === undefined) throw new SignatureInvalidError("invalid_recovery_id");
  const r = BigInt(`0x${signature.slice(2, 66)}`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  if (r === 0n || r >= N || s === 0n || s >= N) throw new SignatureInvalidError("scalar_out_of_range");
  return { compact: Uint8Array.from(Buffer.from(signature.slice(2, 130), "hex")), recoveryId };
}
