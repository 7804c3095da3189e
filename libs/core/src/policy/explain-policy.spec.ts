import { evaluatePolicy } from "./evaluate-policy.js";
import { explainPolicy } from "./explain-policy.js";
import type { NamedPolicySource, Policy } from "./policy.js";
import type { SourceAnswer, SourceReading } from "./source-answer.js";

const A = "0x00000000000000000000000000000000000000aa";
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
    { id: "viewing", scopesFrom: "registry", scopes: ["orders:read"], when: [] },
    { id: "pass", scopes: ["positions:read"], when: [{ anyOf: ["pass", "safe"] }] },
    { id: "both", scopes: ["vip:use"], when: [{ rule: "pass" }, "kyc"] },
  ],
};

type Answer = Partial<SourceAnswer> & { applies?: boolean; unavailable?: boolean };
function readings(answers: Record<string, Answer>): Record<string, SourceReading> {
  const out: Record<string, SourceReading> = {};
  for (const [id, { applies = true, unavailable, ...answer }] of Object.entries(answers)) {
    const spec = policy.sources[id]!;
    out[id] = {
      source: id,
      kind: spec.kind,
      address: spec.address,
      block: { chainId: spec.chain, number: 7n, hash: `0x${"ab".repeat(32)}` },
      applies,
      answer: { holds: false, scopes: [], ...answer },
      ...(unavailable ? { unavailable } : {}),
    };
  }
  return out;
}

describe("explainPolicy", () => {
  it("says why each failing condition failed: not held, out of reach, unavailable, anyOf, another rule", () => {
    const explained = explainPolicy({
      policy,
      readings: readings({
        registry: {},
        pass: { applies: false },
        safe: { applies: false, unavailable: true },
        kyc: { holds: true },
      }),
    });
    expect(explained).toEqual([
      {
        rule: "viewing",
        holds: false,
        scopes: [],
        sources: [],
        failed: [{ at: "scopesFrom", failure: { reason: "source_not_held", source: "registry" } }],
      },
      {
        rule: "pass",
        holds: false,
        scopes: [],
        sources: [],
        failed: [
          {
            at: "when[0]",
            failure: {
              reason: "no_member_held",
              members: [
                { reason: "source_not_applying", source: "pass" },
                { reason: "source_unavailable", source: "safe" },
              ],
            },
          },
        ],
      },
      {
        rule: "both",
        holds: false,
        scopes: [],
        sources: [],
        failed: [{ at: "when[0]", failure: { reason: "rule_not_held", rule: "pass" } }],
      },
    ]);
  });

  it("agrees with evaluatePolicy on which rules hold, what they grant and from which sources", () => {
    const cases: Record<string, Answer>[] = [
      {
        registry: { holds: true, scopes: ["orders:read", "orders:write"] },
        safe: { holds: true },
        kyc: { holds: true },
      },
      { pass: { holds: true }, kyc: { holds: true } },
      { registry: { holds: true, scopes: ["orders:write"] }, pass: { holds: true } },
    ];
    for (const answers of cases) {
      const all = readings(answers);
      const evaluation = evaluatePolicy({ policy, readings: all });
      const explained = explainPolicy({ policy, readings: all });
      for (const [scope, provenance] of Object.entries(evaluation.provenance)) {
        const rule = explained.find((r) => r.rule === provenance.rule)!;
        expect(rule).toMatchObject({ holds: true, sources: provenance.sources.map((s) => s.source) });
        expect(rule.scopes).toContain(scope);
      }
      const granted = explained.flatMap((rule) => rule.scopes);
      expect([...new Set(granted)].sort()).toEqual(evaluation.scopes);
    }
  });
});
