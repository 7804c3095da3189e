import type { Address, Hex } from "viem";
import { recoverSiweSigner } from "./recover-siwe-signer.js";
import type { Secp256k1Backend } from "./secp256k1-backend.js";

/** Parameters of {@link verifyEoaSignature}. */
export interface VerifyEoaSignatureParameters {
  readonly message: string;
  readonly signature: Hex;
  /** The address the signature is claimed to come from (any letter case). */
  readonly address: Address;
  readonly backend?: Secp256k1Backend;
}

/**
 * True when `signature` is `address`'s EIP-191 signature of `message`. False for a well-formed
 * signature by someone else, which may still be a contract wallet's (EIP-1271) — check that next.
 *
 * @throws {SignatureInvalidError} when the signature is malformed or recovers no key.
 */
export async function verifyEoaSignature({
  message,
  signature,
  address,
  backend,
}: VerifyEoaSignatureParameters): Promise<boolean> {
  const signer = await recoverSiweSigner(
    backend === undefined ? { message, signature } : { message, signature, backend },
  );
  return typeof address === "string" && signer.toLowerCase() === address.toLowerCase();
}
