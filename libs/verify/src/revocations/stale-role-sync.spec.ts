import { staleRoleSync, type StaleRoleSyncParameters } from "./stale-role-sync.js";

const A = 31337;
const B = 31338;
const NOW = 1_000_000;
const check = (overrides: Partial<StaleRoleSyncParameters>) =>
  staleRoleSync({
    signInChainId: A,
    required: ["orders:write"],
    scopeChains: undefined,
    confirmedAt: new Map([
      [A, NOW - 100],
      [B, NOW - 100],
    ]),
    nowMs: NOW,
    maxAgeMs: 1_000,
    ...overrides,
  });

describe("staleRoleSync", () => {
  it("D1 names the sign-in chain once its roles are older than allowed, whatever the scope", () => {
    expect(check({})).toBeUndefined();
    expect(check({ confirmedAt: new Map([[A, NOW - 1_000]]) })).toBeUndefined();
    expect(check({ confirmedAt: new Map([[A, NOW - 1_001]]) })).toEqual({ chainId: A, ageMs: 1_001 });
    expect(check({ confirmedAt: new Map([[A, Number.NEGATIVE_INFINITY]]) })).toEqual({
      chainId: A,
      ageMs: null,
    });
  });

  it("D1 skips a sign-in chain the issuer reports nothing for (it does not follow roles)", () => {
    expect(check({ confirmedAt: new Map() })).toBeUndefined();
  });

  it("P5 names another chain listed for a required scope once it is stale; other scopes keep working", () => {
    const scopeChains = { "orders:write": [B] };
    const staleB = new Map([
      [A, NOW - 100],
      [B, NOW - 5_000],
    ]);
    expect(check({ scopeChains, confirmedAt: staleB })).toEqual({
      chainId: B,
      scope: "orders:write",
      ageMs: 5_000,
    });
    expect(check({ scopeChains, confirmedAt: staleB, required: ["positions:read"] })).toBeUndefined();
    expect(check({ scopeChains, confirmedAt: staleB, required: [] })).toBeUndefined();
    expect(check({ scopeChains })).toBeUndefined();
  });

  it("P5 fails closed for a listed chain the feed never reported or never saw confirmed", () => {
    const scopeChains = { "orders:write": [B] };
    expect(check({ scopeChains, confirmedAt: new Map([[A, NOW]]) })).toEqual({
      chainId: B,
      scope: "orders:write",
      ageMs: null,
    });
    expect(check({ scopeChains, confirmedAt: new Map() })).toMatchObject({ chainId: B, ageMs: null });
    const never = new Map([
      [A, NOW],
      [B, Number.NEGATIVE_INFINITY],
    ]);
    expect(check({ scopeChains, confirmedAt: never })).toMatchObject({ chainId: B, ageMs: null });
  });

  it("reads only the claim's own entries: a scope named like an Object member is not listed", () => {
    const scopeChains = JSON.parse('{"orders:write":[31338]}') as Record<string, number[]>;
    expect(check({ scopeChains, required: ["constructor", "toString"] })).toBeUndefined();
  });
});
