import {
  SignatureInvalidError,
  jsSecp256k1Backend,
  nativeSecp256k1Backend,
  recoverSiweSigner,
  verifyEoaSignature,
} from "@sigil/siwe";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

// Hardhat account 1 (public test key).
const account = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const MESSAGE = "localhost:3000 wants you to sign in with your Ethereum account:\n…";
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const hex32 = (value: bigint) => value.toString(16).padStart(64, "0");

let signature: Hex;
beforeAll(async () => {
  signature = await account.signMessage({ message: MESSAGE });
});

const withV = (sig: Hex, v: number) => `${sig.slice(0, 130)}${v.toString(16).padStart(2, "0")}` as Hex;
const backends = [nativeSecp256k1Backend!, jsSecp256k1Backend];

async function reasonOf(sig: unknown, backend = backends[0]): Promise<string> {
  try {
    await recoverSiweSigner({ message: MESSAGE, signature: sig as Hex, backend });
  } catch (error) {
    expect(error).toBeInstanceOf(SignatureInvalidError);
    return (error as SignatureInvalidError).details.reason;
  }
  return "recovered";
}

describe.each(backends.map((backend) => [backend.name, backend] as const))(
  "recoverSiweSigner (%s)",
  (_name, backend) => {
    it("recovers the EIP-55 address of the personal_sign signer", async () => {
      await expect(recoverSiweSigner({ message: MESSAGE, signature, backend })).resolves.toBe(
        account.address,
      );
    });

    it("accepts v as 27/28 or 0/1", async () => {
      const v = Number.parseInt(signature.slice(130), 16);
      await expect(
        recoverSiweSigner({ message: MESSAGE, signature: withV(signature, v - 27), backend }),
      ).resolves.toBe(account.address);
    });

    it("accepts a high-s signature, as ecrecover does (the nonce, not the signature, stops replay)", async () => {
      const s = BigInt(`0x${signature.slice(66, 130)}`);
      const v = Number.parseInt(signature.slice(130), 16);
      const flipped = `${signature.slice(0, 66)}${hex32(N - s)}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
      await expect(recoverSiweSigner({ message: MESSAGE, signature: flipped, backend })).resolves.toBe(
        account.address,
      );
    });

    it.each([
      ["not a string", 42, "not_a_string"],
      ["no 0x prefix", "ab".repeat(65), "malformed_hex"],
      ["upper-case 0X", `0X${"ab".repeat(65)}`, "malformed_hex"],
      ["odd length", `0x${"a".repeat(131)}`, "malformed_hex"],
      ["non-hex", `0x${"zz".repeat(65)}`, "malformed_hex"],
      ["64 bytes", `0x${"ab".repeat(64)}`, "wrong_length"],
      ["66 bytes", `0x${"ab".repeat(66)}`, "wrong_length"],
      ["empty", "0x", "wrong_length"],
    ])("rejects %s with signature_invalid", async (_name, sig, reason) => {
      expect(await reasonOf(sig, backend)).toBe(reason);
    });

    it.each([2, 26, 29, 35, 36, 37, 255])("rejects v = %d", async (v) => {
      expect(await reasonOf(withV(signature, v), backend)).toBe("invalid_recovery_id");
    });

    it.each([
      ["r = 0", 0n, 1n],
      ["s = 0", 1n, 0n],
      ["r = n", N, 1n],
      ["s = n", 1n, N],
      ["s = 2^256 - 1", 1n, 2n ** 256n - 1n],
    ])("rejects %s as out of range", async (_name, r, s) => {
      expect(await reasonOf(`0x${hex32(r)}${hex32(s)}1b`, backend)).toBe("scalar_out_of_range");
    });

    it("rejects an r that is no curve point's x as a recovery failure, not a crash", async () => {
      // x = 5 is not on secp256k1 (5^3 + 7 = 132 is a quadratic non-residue mod p).
      expect(await reasonOf(`0x${hex32(5n)}${hex32(1n)}1b`, backend)).toBe("recovery_failed");
    });

    it("verifyEoaSignature: true for the signer (any case), false for someone else", async () => {
      await expect(
        verifyEoaSignature({ message: MESSAGE, signature, address: account.address, backend }),
      ).resolves.toBe(true);
      const lower = account.address.toLowerCase() as Hex;
      await expect(
        verifyEoaSignature({ message: MESSAGE, signature, address: lower, backend }),
      ).resolves.toBe(true);
      const other = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
      await expect(
        verifyEoaSignature({ message: MESSAGE, signature, address: other, backend }),
      ).resolves.toBe(false);
      await expect(
        verifyEoaSignature({ message: `${MESSAGE} `, signature, address: account.address, backend }),
      ).resolves.toBe(false);
    });
  },
);
