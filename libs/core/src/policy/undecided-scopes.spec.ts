import type { NamedPolicySource, Policy } from "./policy.js";
import type { SourceReading } from "./source-answer.js";
import { undecidedScopes } from "./undecided-scopes.js";

const A = "0x00000000000000000000000000000000000000aa";
const source = (id: string, kind: NamedPolicySource["kind"], chain: number): NamedPolicySource =>
  ({ id, kind, chain, address: A, reach: "eoa-anywhere" }) as NamedPolicySource;

const policy: Policy = {
  sources: {
    registry: source("registry", "sigil-registry", 1),
    pass: source("pass", "erc721", 1),
    kyc: source("kyc", "eas", 2),
    vault: source("vault", "access-control", 2),
  },
  rules: [
    { id: "viewing", scopesFrom: "registry", scopes: ["positions:read"], when: [] },
    { id: "trading", scopes: ["orders:write"], when: ["pass", "kyc"] },
    { id: "vault", scopesFrom: "vault", when: [] },
  ],
};

/** Every source answered `holds` per `holds`; those in `down` did not answer (their chain is down). */
function readings(holds: string[], down: string[] = []): Record<string, SourceReading> {
  return Object.fromEntries(
    Object.values(policy.sources).map((spec) => [
      spec.id,
      {
        source: spec.id,
        kind: spec.kind,
        address: spec.address,
        block: { chainId: spec.chain, number: 7n, hash: `0x${"ab".repeat(32)}` },
        applies: !down.includes(spec.id),
        answer: {
          holds: holds.includes(spec.id),
          scopes: spec.id === "registry" && holds.includes(spec.id) ? ["positions:read"] : [],
        },
        ...(down.includes(spec.id) ? { unavailable: true } : {}),
      },
    ]),
  );
}

describe("undecidedScopes", () => {
  it("P5 is undefined when every source answered", () => {
    expect(undecidedScopes({ policy, readings: readings(["registry", "pass", "kyc"]) })).toBeUndefined();
  });

  it("P5 names what a rule would grant if its unavailable sources held, but not a rule a decided source fails", () => {
    const kycDown = undecidedScopes({ policy, readings: readings(["registry", "pass"], ["kyc"]) });
    expect(kycDown).toEqual({ scopes: ["orders:write", "positions:read"], any: false });
    // The pass, answered on a chain that is up, does not hold: orders:write is decided, not undecided.
    const noPass = undecidedScopes({ policy, readings: readings(["registry"], ["kyc"]) });
    expect(noPass).toEqual({ scopes: ["positions:read"], any: false });
  });

  it("P5 an unavailable role source whose rule lists no scopes could confer any scope", () => {
    expect(undecidedScopes({ policy, readings: readings(["registry"], ["vault"]) })).toEqual({
      scopes: ["orders:write", "positions:read"],
      any: true,
    });
  });
});
