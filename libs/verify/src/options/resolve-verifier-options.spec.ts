import { ConfigInvalidError } from "@sigil/core";
import type { SigilVerifierOptions } from "./verifier-options.js";
import { resolveVerifierOptions } from "./resolve-verifier-options.js";

const base: SigilVerifierOptions = {
  issuer: "https://sigil.test",
  audience: "https://venue.test",
  jwksUrl: "https://sigil.test/.well-known/jwks.json",
  revocations: {
    url: "https://sigil.test/v1/revocations",
    clientId: "venue",
    clientSecret: "hunter2hunter2",
  },
};

function invalidKey(options: unknown): string {
  try {
    resolveVerifierOptions(options as SigilVerifierOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect((error as Error).message).not.toContain("hunter2");
    return String((error as ConfigInvalidError).details?.key);
  }
  return "accepted";
}

describe("resolveVerifierOptions", () => {
  it("applies the defaults", () => {
    expect(resolveVerifierOptions(base)).toMatchObject({
      clockToleranceSeconds: 30,
      jwksRefreshIntervalMs: 300_000,
      jwksCooldownMs: 5000,
      tokenCacheSize: 10_000,
      fetchTimeoutMs: 2000,
      revocations: { intervalMs: 1000, maxStalenessMs: 10_000 },
    });
  });

  it.each([
    [{ clockToleranceSeconds: 31 }, "clockToleranceSeconds"],
    [{ jwksUrl: "ftp://sigil.test/jwks" }, "jwksUrl"],
    [{ issuer: "" }, "issuer"],
    [{ revocations: { ...base.revocations, clientSecret: "" } }, "revocations.clientSecret"],
    [
      { revocations: { ...base.revocations, intervalMs: 5000, maxStalenessMs: 5000 } },
      "revocations.maxStalenessMs",
    ],
    [{ revocations: { ...base.revocations, maxStalenessMs: 16 * 60_000 } }, "revocations.maxStalenessMs"],
    [{ now: "2026-01-01" }, "now"],
    [{ jwksCoolDown: 1 }, "jwksCoolDown"],
  ])("rejects %j naming %s", (overrides, key) => {
    expect(invalidKey({ ...base, ...overrides })).toBe(key);
  });
});
