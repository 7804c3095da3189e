import fc from "fast-check";
import {
  jsSecp256k1Backend,
  nativeSecp256k1Backend,
  recoverSiweSigner,
  secp256k1BackendName,
} from "@sigil/siwe";
import { toHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { loadNativeSecp256k1Backend } from "./secp256k1-backend.js";

const native = nativeSecp256k1Backend;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const privateKey = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => toHex(bytes))
  .filter((hex) => BigInt(hex) > 0n && BigInt(hex) < N);
const message = fc.string({ unit: "binary", maxLength: 300 });

/** Address or the error code, so that failures are compared too. */
async function recoverOrCode(
  backend: typeof jsSecp256k1Backend,
  text: string,
  signature: Hex,
): Promise<string> {
  try {
    return await recoverSiweSigner({ message: text, signature, backend });
  } catch (error) {
    return (error as { code?: string }).code ?? "crash";
  }
}

describe("secp256k1 backends", () => {
  it("uses native libsecp256k1 where its prebuild loads (linux-x64 here)", () => {
    expect(native).toBeDefined();
    expect(secp256k1BackendName).toBe("native");
  });

  it("falls back (undefined native backend) when the binding cannot load", () => {
    expect(
      loadNativeSecp256k1Backend(() => {
        throw new Error("No native build was found for platform=win32");
      }),
    ).toBeUndefined();
  });

  it("native and JS recover the same signer for random keys and messages", async () => {
    await fc.assert(
      fc.asyncProperty(privateKey, message, async (key, text) => {
        const account = privateKeyToAccount(key);
        const signature = await account.signMessage({ message: text });
        expect(await recoverSiweSigner({ message: text, signature, backend: native! })).toBe(account.address);
        expect(await recoverSiweSigner({ message: text, signature, backend: jsSecp256k1Backend })).toBe(
          account.address,
        );
      }),
      { numRuns: 60 },
    );
  });

  it("native and JS agree on arbitrary (mostly unrecoverable) signatures, failures included", async () => {
    const signature = fc
      .tuple(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.constantFrom(0, 1, 27, 28))
      .map(([rs, v]) => `${toHex(rs)}${v.toString(16).padStart(2, "0")}` as Hex);
    await fc.assert(
      fc.asyncProperty(signature, message, async (sig, text) => {
        expect(await recoverOrCode(native!, text, sig)).toBe(
          await recoverOrCode(jsSecp256k1Backend, text, sig),
        );
      }),
      { numRuns: 60 },
    );
  });

  it("a signature over a different message recovers a different address", async () => {
    await fc.assert(
      fc.asyncProperty(privateKey, message, message, async (key, signed, other) => {
        fc.pre(signed !== other);
        const account = privateKeyToAccount(key);
        const signature = await account.signMessage({ message: signed });
        for (const backend of [native!, jsSecp256k1Backend]) {
          const recovered = await recoverOrCode(backend, other, signature);
          expect(recovered).not.toBe(account.address);
        }
      }),
      { numRuns: 30 },
    );
  });
});
