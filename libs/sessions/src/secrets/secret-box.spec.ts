import { SecretUnsealableError } from "@sigil/core";
import { LocalKekProvider, localKekId, SecretBox, weakKekReason } from "@sigil/sessions";
import { randomBytes } from "node:crypto";

describe("SecretBox (envelope encryption under a KEK)", () => {
  const kekA = randomBytes(32);
  const kekB = randomBytes(32);
  const secret = Buffer.from("hmac-secret-for-api-key-0123456789abcdef");

  it("H1: seals each secret under its own data key, wrapped by the KEK and tagged with its id", async () => {
    const box = new SecretBox(new LocalKekProvider({ current: kekA }));
    const one = await box.seal({ plaintext: secret, context: "key-1" });
    const two = await box.seal({ plaintext: secret, context: "key-1" });
    expect(one.kekId).toBe(localKekId(kekA));
    expect(one.kekId).not.toContain(kekA.toString("hex").slice(0, 8));
    expect(one.wrappedKey).not.toEqual(two.wrappedKey);
    expect(one.ciphertext).not.toEqual(two.ciphertext);
    for (const blob of [one.wrappedKey, one.ciphertext]) expect(blob.includes(secret)).toBe(false);
    expect(await box.open({ sealed: one, context: "key-1" })).toEqual(secret);
  });

  it("H1: refuses another KEK, another context, a swapped wrapped key, or any altered byte", async () => {
    const box = new SecretBox(new LocalKekProvider({ current: kekA }));
    const sealed = await box.seal({ plaintext: secret, context: "key-1" });
    const other = await box.seal({ plaintext: secret, context: "key-2" });
    const stranger = new SecretBox(new LocalKekProvider({ current: kekB }));
    await expect(stranger.open({ sealed, context: "key-1" })).rejects.toBeInstanceOf(SecretUnsealableError);
    await expect(box.open({ sealed, context: "key-2" })).rejects.toBeInstanceOf(SecretUnsealableError);
    await expect(
      box.open({ sealed: { ...sealed, wrappedKey: other.wrappedKey }, context: "key-1" }),
    ).rejects.toBeInstanceOf(SecretUnsealableError);
    for (const field of ["wrappedKey", "ciphertext"] as const) {
      for (const index of [0, 7, sealed[field].length - 1]) {
        const altered = Buffer.from(sealed[field]);
        altered[index]! ^= 1;
        await expect(box.open({ sealed: { ...sealed, [field]: altered }, context: "key-1" })).rejects.toThrow(
          SecretUnsealableError,
        );
      }
    }
  });

  it("KEK rotation: re-wrap moves the data key to the new KEK without touching the ciphertext", async () => {
    const before = new SecretBox(new LocalKekProvider({ current: kekA }));
    const sealed = await before.seal({ plaintext: secret, context: "key-1" });
    // During rotation both KEKs are known; new wraps use the new one.
    const during = new SecretBox(new LocalKekProvider({ current: kekB, previous: [kekA] }));
    expect(await during.open({ sealed, context: "key-1" })).toEqual(secret);
    const rewrapped = await during.rewrap({ sealed, context: "key-1" });
    expect(rewrapped.kekId).toBe(localKekId(kekB));
    expect(rewrapped.ciphertext).toBe(sealed.ciphertext);
    expect(await during.rewrap({ sealed: rewrapped, context: "key-1" })).toBe(rewrapped);
    // After rotation the old KEK is gone: only re-wrapped secrets open.
    const after = new SecretBox(new LocalKekProvider({ current: kekB }));
    expect(await after.open({ sealed: rewrapped, context: "key-1" })).toEqual(secret);
    const refused = after.open({ sealed, context: "key-1" });
    await expect(refused).rejects.toMatchObject({
      code: "secret_unsealable",
      details: { kekId: sealed.kekId },
    });
  });

  it("re-wrap refuses a secret whose ciphertext no longer matches its data key", async () => {
    const box = new SecretBox(new LocalKekProvider({ current: kekB, previous: [kekA] }));
    const sealed = await new SecretBox(new LocalKekProvider({ current: kekA })).seal({
      plaintext: secret,
      context: "k",
    });
    const corrupted = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext).fill(1, 20) };
    await expect(box.rewrap({ sealed: corrupted, context: "k" })).rejects.toBeInstanceOf(
      SecretUnsealableError,
    );
  });

  it("H2: data keys and IVs come from a CSPRNG: 1,000 seals never repeat a wrapped key or IV", async () => {
    const box = new SecretBox(new LocalKekProvider({ current: kekA }));
    const sealed = await Promise.all(
      Array.from({ length: 1000 }, () => box.seal({ plaintext: secret, context: "k" })),
    );
    const ivs = new Set(sealed.map((s) => s.ciphertext.subarray(1, 13).toString("hex")));
    const wrapped = new Set(sealed.map((s) => s.wrappedKey.toString("hex")));
    expect(ivs.size).toBe(1000);
    expect(wrapped.size).toBe(1000);
    // A 32-byte data key wraps to version(1) + iv(12) + tag(16) + 32 bytes: 256-bit keys.
    expect(sealed[0]!.wrappedKey.length).toBe(1 + 12 + 16 + 32);
  });
});

describe("weakKekReason", () => {
  it.each([
    ["all zeros", Buffer.alloc(32)],
    ["all 0xff", Buffer.alloc(32, 0xff)],
    ["a repeated word", Buffer.from("changemechangemechangemechangeme")],
    ["a counter", Buffer.from(Array.from({ length: 32 }, (_, i) => i))],
  ])("flags %s", (_name, kek) => expect(weakKekReason(kek)).toBeDefined());

  it("accepts random keys", () => {
    for (let i = 0; i < 200; i += 1) expect(weakKekReason(randomBytes(32))).toBeUndefined();
  });
});
