import { createRequire } from "node:module";
import { checksumAddress, recoverAddress, toHex, type Address } from "viem";
import { activeKeccak256 } from "./keccak256-backend.js";

/** Which secp256k1 implementation recovers signers. */
export type Secp256k1BackendName = "native" | "js";

/** Public-key recovery for EIP-191 signatures, returning the signer's EIP-55 address. */
export interface Secp256k1Backend {
  readonly name: Secp256k1BackendName;
  /**
   * @param digest 32-byte message hash.
   * @param compact 64 bytes `r ‖ s`, both already checked to lie in [1, n-1].
   * @param recoveryId 0 or 1.
   * @throws when no public key matches (callers wrap this as `signature_invalid`).
   */
  recoverAddress(digest: Uint8Array, compact: Uint8Array, recoveryId: 0 | 1): Promise<Address>;
}

/** The part of the `secp256k1` package's native binding that we use. */
interface NativeSecp256k1 {
  ecdsaRecover(
    signature: Uint8Array,
    recoveryId: number,
    digest: Uint8Array,
    compressed: boolean,
  ): Uint8Array;
}

/** libsecp256k1 through its N-API prebuild, or `undefined` when the binding cannot load here. */
export const nativeSecp256k1Backend: Secp256k1Backend | undefined = loadNativeSecp256k1Backend();

/** Pure JavaScript (viem, i.e. @noble/curves): ~30× slower, used only without the native binding. */
export const jsSecp256k1Backend: Secp256k1Backend = {
  name: "js",
  recoverAddress: (digest, compact, recoveryId) =>
    recoverAddress({
      hash: toHex(digest),
      signature: {
        r: toHex(compact.subarray(0, 32)),
        s: toHex(compact.subarray(32, 64)),
        yParity: recoveryId,
      },
    }),
};

/** The backend chosen once at load: native when it loads, else JS. */
export const activeSecp256k1Backend: Secp256k1Backend = nativeSecp256k1Backend ?? jsSecp256k1Backend;

/** Name of {@link activeSecp256k1Backend}, for the boot log and metrics. */
export const secp256k1BackendName: Secp256k1BackendName = activeSecp256k1Backend.name;

/**
 * The native backend, or `undefined` when `load` throws (no prebuild for this platform, no
 * compiler at install). `load` is a parameter only so that the fallback can be tested.
 */
export function loadNativeSecp256k1Backend(
  // `require("secp256k1")` would silently fall back to `elliptic`; the bindings entry fails instead.
  load: () => unknown = () => createRequire(import.meta.url)("secp256k1/bindings.js"),
): Secp256k1Backend | undefined {
  let native: NativeSecp256k1;
  try {
    native = load() as NativeSecp256k1;
  } catch {
    return undefined;
  }
  return {
    name: "native",
    recoverAddress: async (digest, compact, recoveryId) => {
      const publicKey = native.ecdsaRecover(compact, recoveryId, digest, false);
      const hash = activeKeccak256(publicKey.subarray(1));
      return checksumAddress(`0x${Buffer.from(hash.subarray(12)).toString("hex")}`);
    },
  };
}
