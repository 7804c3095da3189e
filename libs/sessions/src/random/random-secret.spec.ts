import { randomSecret } from "./random-secret.js";

describe("randomSecret", () => {
  it("returns the requested number of bytes, different on every call, across pool refills", () => {
    const seen = new Set<string>();
    // 1,000 × 32 bytes crosses the 4 KiB pool several times.
    for (let i = 0; i < 1000; i++) {
      const bytes = randomSecret(32);
      expect(bytes).toHaveLength(32);
      seen.add(bytes.toString("hex"));
    }
    expect(seen.size).toBe(1000);
  });

  it("hands out independent copies: changing one changes nothing else", () => {
    const first = randomSecret(16);
    const copy = Buffer.from(first);
    first.fill(0);
    const second = randomSecret(16);
    expect(second.equals(Buffer.alloc(16))).toBe(false);
    expect(copy.equals(Buffer.alloc(16))).toBe(false);
  });

  it("looks uniform: every byte value appears about equally often over 256 KiB", () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 1024; i++) for (const byte of randomSecret(256)) counts[byte]!++;
    // 1,024 expected per value; a stuck or zeroed pool would put thousands on one value.
    const chiSquare = counts.reduce((sum, count) => sum + (count - 1024) ** 2 / 1024, 0);
    // 255 degrees of freedom: p ≈ 1e-6 beyond 380.
    expect(chiSquare).toBeLessThan(380);
  });

  it("refuses sizes outside 1..256", () => {
    for (const size of [0, -1, 1.5, 257, Number.NaN]) expect(() => randomSecret(size)).toThrow(RangeError);
  });
});
