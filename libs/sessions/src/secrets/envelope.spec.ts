import { open, seal } from "@sigil/sessions";
import { randomBytes } from "node:crypto";

describe("seal / open (AES-256-GCM)", () => {
  const kek = randomBytes(32);
  const plaintext = Buffer.from("-----BEGIN PRIVATE KEY-----secret");

  it("round-trips and never contains the plaintext", () => {
    const sealed = seal({ kek, plaintext, context: "kid-1" });
    expect(sealed.includes(plaintext)).toBe(false);
    expect(open({ kek, sealed, context: "kid-1" })).toEqual(plaintext);
  });

  it("H1: fails with another KEK, another context, or any altered byte", () => {
    const sealed = seal({ kek, plaintext, context: "kid-1" });
    expect(() => open({ kek: randomBytes(32), sealed, context: "kid-1" })).toThrow();
    expect(() => open({ kek, sealed, context: "kid-2" })).toThrow();
    for (const index of [0, 5, 20, sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      altered[index]! ^= 1;
      expect(() => open({ kek, sealed: altered, context: "kid-1" })).toThrow();
    }
  });

  it("uses a fresh IV each time", () => {
    expect(seal({ kek, plaintext, context: "k" })).not.toEqual(seal({ kek, plaintext, context: "k" }));
  });
});
