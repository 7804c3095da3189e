import type { Policy } from "./policy.js";
import { appliesTo, scopeChains, scopeChainsCache, scopeChainsClaim } from "./scope-chains.js";

const A = "0x00000000000000000000000000000000000000aa";
const policy: Policy = {
  sources: {
    registry: { id: "registry", kind: "sigil-registry", chain: 1, address: A, reach: "sign-in-chain" },
    far: { id: "far", kind: "sigil-registry", chain: 3, address: A, reach: "eoa-anywhere" },
    pass: { id: "pass", kind: "erc721", chain: 2, address: A, reach: "eoa-anywhere", min: 1 },
    kyc: {
      id: "kyc",
      kind: "eas",
      chain: 2,
      address: A,
      reach: "any-wallet",
      schema: A,
      attesters: [],
      fromBlock: 0,
    },
    vault: {
      id: "vault",
      kind: "access-control",
      chain: 4,
      address: A,
      reach: "eoa-anywhere",
      roles: { [A]: ["vault:operate"] },
    },
    local: {
      id: "local",
      kind: "erc20",
      chain: 1,
      address: A,
      reach: "sign-in-chain",
      measure: "balance",
      threshold: "1",
    },
  },
  rules: [
    { id: "registry", scopesFrom: "registry", when: [] },
    { id: "pass", scopes: ["positions:read"], when: [{ anyOf: ["pass", "local"] }] },
    { id: "trade", scopes: ["orders:write"], when: [{ rule: "pass" }, "kyc"] },
    { id: "vault", scopesFrom: "vault", when: [] },
    { id: "local", scopes: ["orders:read"], when: ["local"] },
    { id: "far", scopesFrom: "far", when: [] },
  ],
};

describe("appliesTo", () => {
  it("P3 a source applies on its own chain; elsewhere to EOAs unless sign-in-chain, to contract wallets only with any-wallet", () => {
    const on = (chain: number, walletKind: "eoa" | "eip1271") => ({ signInChainId: chain, walletKind });
    expect(appliesTo(policy.sources.registry!, on(1, "eip1271"))).toBe(true);
    expect(appliesTo(policy.sources.registry!, on(2, "eoa"))).toBe(false);
    expect(appliesTo(policy.sources.pass!, on(1, "eoa"))).toBe(true);
    expect(appliesTo(policy.sources.pass!, on(1, "eip1271"))).toBe(false);
    expect(appliesTo(policy.sources.kyc!, on(1, "eip1271"))).toBe(true);
  });
});

describe("scopeChains", () => {
  it("P5 names the other chains of every applying source in a rule that can grant the scope", () => {
    const eoa = scopeChains({ policy, signInChainId: 1, walletKind: "eoa" });
    expect(eoa.of("orders:read")).toEqual([3]); // the far registry (scopesFrom elsewhere) could grant any scope
    expect(eoa.of("positions:read")).toEqual([2, 3]);
    expect(eoa.of("orders:write")).toEqual([2, 3]); // through the rule it depends on
    expect(eoa.of("vault:operate")).toEqual([3, 4]);
  });

  it("P5 leaves out sources that do not apply: a contract wallet depends only on any-wallet sources elsewhere", () => {
    const wallet = scopeChains({ policy, signInChainId: 1, walletKind: "eip1271" });
    expect(wallet.of("orders:read")).toEqual([]);
    expect(wallet.of("positions:read")).toEqual([]);
    expect(wallet.of("orders:write")).toEqual([2]);
    expect(wallet.of("vault:operate")).toEqual([]);
  });

  it("is empty for the default registry policy: the sign-in chain alone decides", () => {
    const only = { sources: { registry: policy.sources.registry! }, rules: [policy.rules[0]!] };
    expect(scopeChains({ policy: only, signInChainId: 1, walletKind: "eoa" }).of("orders:write")).toEqual([]);
  });
});

describe("scopeChainsClaim", () => {
  it("P5 lists only the granted scopes another chain could grant, and is absent when none could", () => {
    const chainsOf = scopeChainsCache(policy);
    const wallet = chainsOf({ signInChainId: 1, walletKind: "eip1271" });
    expect(scopeChainsClaim(wallet, ["orders:read", "orders:write", "vault:operate"])).toEqual({
      "orders:write": [2],
    });
    expect(scopeChainsClaim(wallet, ["orders:read", "positions:read"])).toBeUndefined();
    expect(chainsOf({ signInChainId: 1, walletKind: "eip1271" })).toBe(wallet);
    expect(scopeChainsClaim(chainsOf({ signInChainId: 1, walletKind: "eoa" }), ["orders:read"])).toEqual({
      "orders:read": [3],
    });
  });
});
