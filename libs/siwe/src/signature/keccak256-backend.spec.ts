import fc from "fast-check";
import { bytesToHex } from "viem";
import { activeKeccak256, jsKeccak256, loadNativeKeccak256, nativeKeccak256 } from "./keccak256-backend.js";

describe("keccak-256 backends", () => {
  it("uses the native binding where its prebuild loads (linux-x64 here)", () => {
    expect(nativeKeccak256).toBeDefined();
    expect(activeKeccak256).toBe(nativeKeccak256);
  });

  it("falls back (undefined) when the binding cannot load", () => {
    expect(
      loadNativeKeccak256(() => {
        throw new Error("no prebuild");
      }),
    ).toBeUndefined();
  });

  it("both give the known digests of the empty input and of 'abc'", () => {
    const empty = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
    const abc = "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45";
    for (const hash of [nativeKeccak256!, jsKeccak256]) {
      expect(bytesToHex(hash(new Uint8Array()))).toBe(empty);
      expect(bytesToHex(hash(new TextEncoder().encode("abc")))).toBe(abc);
    }
  });

  it("native and JS agree on any input, including views into a larger buffer", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), fc.nat(16), (bytes, offset) => {
        const backing = new Uint8Array(offset + bytes.length + 7);
        backing.set(bytes, offset);
        const view = backing.subarray(offset, offset + bytes.length);
        const native = nativeKeccak256!(view);
        expect(native).toHaveLength(32);
        expect(bytesToHex(native)).toBe(bytesToHex(jsKeccak256(bytes)));
      }),
      { numRuns: 300 },
    );
  });
});
