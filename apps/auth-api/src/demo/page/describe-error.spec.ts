import { describeError } from "./describe-error.js";

describe("describeError (the demo page's error sentences)", () => {
  it("names the four situations a user meets: rejected, wrong chain, expired challenge, rate limited", () => {
    expect(describeError({ code: "signature_rejected" })).toMatch(/declined the signature/);
    expect(
      describeError({ code: "wrong_chain", message: "the wallet is on chain 1; switch it to chain 31337" }),
    ).toBe("Wrong network: the wallet is on chain 1; switch it to chain 31337.");
    expect(describeError({ code: "siwe_chain_not_allowed" })).toMatch(/^Wrong network/);
    expect(describeError({ code: "nonce_expired" })).toMatch(/expired before it was signed/);
    expect(describeError({ code: "siwe_expired" })).toMatch(/expired before it was signed/);
    expect(describeError({ code: "rate_limited", retryAfterSeconds: 42 })).toBe(
      "Too many sign-in attempts. Try again in 42 seconds.",
    );
    expect(describeError({ code: "rate_limited", retryAfterSeconds: 1 })).toMatch(/in 1 second\.$/);
  });

  it("keeps the service's message and code for anything else, and copes with non-errors", () => {
    expect(describeError({ code: "scope_invalid", message: "bad scope" })).toBe("bad scope (scope_invalid)");
    expect(describeError(new Error("boom"))).toBe("boom");
    expect(describeError(undefined)).toBe("undefined");
  });
});
