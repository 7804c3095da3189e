import fc from "fast-check";
import { hashMessage, toHex } from "viem";
import { eip191Digest } from "./eip191-digest.js";

describe("eip191Digest", () => {
  it("equals viem's hashMessage for any text, non-ASCII and lone surrogates included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 600 }), (message) => {
        expect(toHex(eip191Digest(message))).toBe(hashMessage(message));
      }),
      { numRuns: 300 },
    );
  });
});
