import { createRequire } from "node:module";
import { keccak256 } from "viem";

/** keccak-256 of bytes, as a 32-byte array. */
export type Keccak256 = (data: Uint8Array) => Uint8Array;

/** The `keccak` package's native binding: a hash object per digest, as Node's `createHash`. */
type NativeKeccakFactory = (algorithm: "keccak256") => {
  update(data: Buffer): { digest(): Buffer };
};

/**
 * keccak-256 in C through the `keccak` package's N-API prebuild, or `undefined` when the binding
 * cannot load here. A SIWE message's EIP-191 digest costs a fraction of the CPU it takes in
 * JavaScript (@noble/hashes; docs/benchmarks.md).
 */
export const nativeKeccak256: Keccak256 | undefined = loadNativeKeccak256();

/** viem's keccak-256 (@noble/hashes): used only without the native binding. */
export const jsKeccak256: Keccak256 = (data) => keccak256(data, "bytes");

/** The implementation chosen once at load: native when it loads, else JS. */
export const activeKeccak256: Keccak256 = nativeKeccak256 ?? jsKeccak256;

/**
 * The native implementation, or `undefined` when `load` throws. `load` is a parameter only so
 * that the fallback can be tested.
 */
export function loadNativeKeccak256(
  // `require("keccak")` would silently fall back to its JS build; the bindings entry fails instead.
  load: () => unknown = () => createRequire(import.meta.url)("keccak/bindings.js"),
): Keccak256 | undefined {
  let create: NativeKeccakFactory;
  try {
    create = load() as NativeKeccakFactory;
  } catch {
    return undefined;
  }
  return (data) =>
    create("keccak256")
      .update(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
      .digest();
}
