import { evaluatePolicy } from "./evaluate-policy.js";
import type { NamedPolicySource, Policy } from "./policy.js";
import type { SourceAnswer, SourceReading } from "./source-answer.js";

const A = "0x00000000000000000000000000000000000000aa";
const block = (chainId: number) => ({ chainId, number: 7n, hash: `0x${"ab".repeat(32)}` as const });
const source = (id: string, kind: NamedPolicySource["kind"], chain = 1): NamedPolicySource =>
  ({ id, kind, chain, address: A, reach: "eoa-anywhere" }) as NamedPolicySource;

const policy: Policy = {
  sources: {
    registry: source("registry", "sigil-registry"),
    pass: source("pass", "erc721"),
    kyc: source("kyc", "eas", 2),
    safe: source("safe", "safe"),
  },
  rules: [
    { id: "viewing", scopesFrom: "registry", scopes: ["orders:read", "positions:read"], when: [] },
    { id: "trading", scopesFrom: "registry", scopes: ["orders:write"], when: ["kyc"] },
    { id: "pass", scopes: ["positions:read", "pass:use"], when: [{ anyOf: ["pass", "safe"] }] },
    { id: "both", scopes: ["vip"], when: [{ rule: "pass" }, "kyc"] },
  ],
};

function readings(answers: Record<string, Partial<SourceAnswer> & { applies?: boolean }>) {
  const out: Record<string, SourceReading> = {};
  for (const [id, { applies = true, ...answer }] of Object.entries(answers)) {
    const spec = policy.sources[id]!;
    out[id] = {
      source: id,
      kind: spec.kind,
      address: spec.address,
      block: block(spec.chain),
      applies,
      answer: { holds: false, scopes: [], ...answer },
    };
  }
  return out;
}

const trader = { holds: true, scopes: ["orders:read", "orders:write", "positions:read"] };

describe("evaluatePolicy", () => {
  it("grants a role source's scopes limited to the rule's list, and more only with every condition", () => {
    const without = evaluatePolicy({ policy, readings: readings({ registry: trader, kyc: {} }) });
    expect(without.scopes).toEqual(["orders:read", "positions:read"]);
    const withKyc = evaluatePolicy({
      policy,
      readings: readings({ registry: trader, kyc: { holds: true } }),
    });
    expect(withKyc.scopes).toEqual(["orders:read", "orders:write", "positions:read"]);
    expect(withKyc.provenance["orders:write"]).toEqual({
      rule: "trading",
      sources: [
        expect.objectContaining({ source: "registry", chainId: 1, blockNumber: "7" }),
        expect.objectContaining({ source: "kyc", kind: "eas", chainId: 2 }),
      ],
    });
  });

  it("records the first rule in file order for a scope several rules grant", () => {
    const result = evaluatePolicy({
      policy,
      readings: readings({ registry: trader, pass: { holds: true } }),
    });
    expect(result.provenance["positions:read"]?.rule).toBe("viewing");
    expect(result.provenance["pass:use"]).toEqual({
      rule: "pass",
      sources: [expect.objectContaining({ source: "pass" })],
    });
  });

  it("any-of holds on its first holding member; a rule condition holds with that rule", () => {
    const result = evaluatePolicy({
      policy,
      readings: readings({ pass: {}, safe: { holds: true }, kyc: { holds: true } }),
    });
    expect(result.scopes).toEqual(["pass:use", "positions:read", "vip"]);
    expect(result.provenance.vip?.sources.map((s) => s.source)).toEqual(["safe", "kyc"]);
  });

  it("a source that does not apply to this sign-in counts as not holding", () => {
    const result = evaluatePolicy({
      policy,
      readings: readings({ registry: trader, kyc: { holds: true, applies: false } }),
    });
    expect(result.scopes).not.toContain("orders:write");
  });

  it("a missing reading and a scopesFrom source that holds nothing grant nothing", () => {
    expect(evaluatePolicy({ policy, readings: {} }).scopes).toEqual([]);
    expect(evaluatePolicy({ policy, readings: readings({ registry: {} }) }).scopes).toEqual([]);
  });

  it("reports the earliest lapse among holding answers", () => {
    const soon = new Date("2027-01-01T00:00:00Z");
    const result = evaluatePolicy({
      policy,
      readings: readings({
        kyc: { holds: true, validUntil: new Date("2027-06-01T00:00:00Z") },
        pass: { holds: true, validUntil: soon },
      }),
    });
    expect(result.validUntil).toEqual(soon);
  });
});
