import { grantedProvenance, type ScopeProvenance } from "@sigil/core";

const source = {
  source: "registry",
  kind: "sigil-registry",
  chainId: 31337,
  address: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  blockNumber: "12",
  blockHash: `0x${"ab".repeat(32)}`,
} as const;
const pass = { ...source, source: "pass", kind: "erc721" } as const;
const provenance: Record<string, ScopeProvenance> = {
  "orders:read": { rule: "traders", sources: [source] },
  "orders:write": { rule: "traders", sources: [source] },
  "positions:read": { rule: "pass-holders", sources: [pass] },
};

describe("grantedProvenance", () => {
  it("keeps only the granted scopes' rule and sources", () => {
    expect(grantedProvenance({ provenance, granted: ["orders:write", "positions:read"] })).toEqual({
      "orders:write": { rule: "traders", sources: [source] },
      "positions:read": { rule: "pass-holders", sources: [pass] },
    });
  });

  it("records an empty map when nothing was granted", () => {
    expect(grantedProvenance({ provenance, granted: [] })).toEqual({});
  });

  it("is null when the read recorded no provenance", () => {
    expect(grantedProvenance({ provenance: undefined, granted: ["orders:read"] })).toBeNull();
  });
});
