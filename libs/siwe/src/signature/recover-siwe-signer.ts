import type { Address, Hex } from "viem";
import { SignatureInvalidError, SiweMessageInvalidError } from "../errors/siwe-errors.js";
import { eip191Digest } from "./eip191-digest.js";
import { parseSignature } from "./parse-signature.js";
import { activeSecp256k1Backend, type Secp256k1Backend } from "./secp256k1-backend.js";

/** Parameters of {@link recoverSiweSigner}. */
export interface RecoverSiweSignerParameters {
  /** The exact message text that was signed (EIP-191 `personal_sign`). */
  readonly message: string;
  /** 65 bytes `r ‖ s ‖ v`, hex, `v` ∈ {27, 28, 0, 1}. */
  readonly signature: Hex;
  /** Override the backend (tests, benchmarks); default: native libsecp256k1 if it loaded. */
  readonly backend?: Secp256k1Backend;
}

/**
 * Recovers the EOA that produced an EIP-191 `personal_sign` signature over `message`. It does not
 * say the signature is *valid* for anyone: compare the result with the claimed address. Async
 * only because viem's pure-JS fallback is; the native path does no I/O.
 *
 * @throws {SignatureInvalidError} malformed hex, wrong length, bad `v`, r/s out of range, or no
 *   recoverable key.
 */
export async function recoverSiweSigner({
  message,
  signature,
  backend = activeSecp256k1Backend,
}: RecoverSiweSignerParameters): Promise<Address> {
  if (typeof message !== "string") throw new SiweMessageInvalidError({ reason: "not_a_string" });
  const { compact, recoveryId } = parseSignature(signature);
  const digest = eip191Digest(message);
  try {
    return await backend.recoverAddress(digest, compact, recoveryId);
  } catch (cause) {
    throw new SignatureInvalidError("recovery_failed", { cause });
  }
}
