import { ConfigInvalidError } from "@sigil/core";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../app-config.js";
import { parsePolicy } from "./parse-policy.js";

const VAULT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const TOKEN = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const ROLE = `0x${"11".repeat(32)}`;

const good = () => ({
  sources: {
    registry: { kind: "sigil-registry", chain: 31337, address: VAULT },
    vault: { kind: "access-control", chain: 31337, address: VAULT, roles: { [ROLE]: ["vault:operate"] } },
    gov: { kind: "erc20", chain: 31338, address: TOKEN, measure: "votes", threshold: "100.5" },
    pass: { kind: "erc721", chain: 31337, address: TOKEN },
  },
  rules: [
    { id: "registry", scopesFrom: "registry" },
    { id: "pass", scopes: ["positions:read"], when: [{ anyOf: ["pass", "gov"] }] },
    { id: "vip", scopes: ["vip:enter"], when: [{ rule: "pass" }, "vault"] },
  ],
});

/** The problems a bad document is refused with, as `path: message` lines. */
function problems(document: unknown): string[] {
  try {
    parsePolicy({ document, chainIds: [31337, 31338] });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigInvalidError);
    return (error as ConfigInvalidError).message.split("\n");
  }
  throw new Error("the policy was accepted");
}

describe("parsePolicy", () => {
  it("accepts a valid policy, filling defaults and checksumming addresses", () => {
    const policy = parsePolicy({ document: good(), chainIds: [31337, 31338] });
    expect(policy.sources.pass).toEqual({
      id: "pass",
      kind: "erc721",
      chain: 31337,
      address: TOKEN,
      reach: "eoa-anywhere",
      min: 1,
    });
    expect(policy.rules[0]).toEqual({ id: "registry", scopesFrom: "registry", when: [] });
  });

  it("P6 refuses an unknown source kind, naming the field", () => {
    const doc = good() as { sources: Record<string, unknown> };
    doc.sources.pass = { kind: "erc9999", chain: 31337, address: TOKEN };
    expect(problems(doc)).toEqual([expect.stringMatching(/^SIGIL_POLICY sources\.pass\.kind: /)]);
  });

  it("P6 refuses a wrong address, naming the field", () => {
    const doc = good();
    doc.sources.vault.address = "0x1234";
    expect(problems(doc)).toEqual(["SIGIL_POLICY sources.vault.address: expected a 20-byte 0x address"]);
  });

  it("P6 refuses a chain that is not in SIGIL_CHAINS", () => {
    const doc = good();
    doc.sources.gov.chain = 1;
    expect(problems(doc)).toEqual([
      "SIGIL_POLICY sources.gov.chain: chain 1 is not in SIGIL_CHAINS (configured: 31337, 31338)",
    ]);
  });

  it("P6 refuses a bad threshold", () => {
    for (const threshold of ["-1", "1e18", "0", "abc", "1.5.2"]) {
      const doc = good();
      doc.sources.gov.threshold = threshold;
      expect(problems(doc)).toEqual([expect.stringMatching(/^SIGIL_POLICY sources\.gov\.threshold: /)]);
    }
  });

  it("P6 refuses a cycle of rules and an empty rule", () => {
    const doc = good() as { rules: unknown[] };
    doc.rules.push(
      { id: "a", scopes: ["a:b"], when: [{ rule: "b" }] },
      { id: "b", scopes: ["a:c"], when: [{ anyOf: ["pass", { rule: "a" }] }] },
      { id: "open", scopes: ["free:all"] },
    );
    expect(problems(doc)).toEqual([
      "SIGIL_POLICY rules[5].when: empty: a rule without conditions would grant every wallet",
      'SIGIL_POLICY rules[3].when: rule "a" depends on itself (a cycle)',
      'SIGIL_POLICY rules[4].when: rule "b" depends on itself (a cycle)',
    ]);
  });

  it("P6 lists every problem at once: unknown references, scopesFrom on a fact source, bad scopes", () => {
    const doc = good() as { rules: unknown[] };
    doc.rules = [
      { id: "x", scopesFrom: "pass" },
      { id: "y", scopes: ["Orders:Write"], when: ["nope", { rule: "missing" }] },
      { id: "x", scopes: ["a:b"], when: ["pass"] },
    ];
    expect(problems(doc)).toEqual([
      "SIGIL_POLICY rules[1].scopes[0]: expected a scope (resource:action, lowercase)",
    ]);
    (doc.rules[1] as { scopes: string[] }).scopes = ["orders:write"];
    expect(problems(doc)).toEqual([
      'SIGIL_POLICY rules[2].id: "x" is used twice',
      'SIGIL_POLICY rules[0].scopesFrom: source "pass" (erc721) confers no scopes; use sigil-registry, access-control, access-manager',
      'SIGIL_POLICY rules[1].when[0]: unknown source "nope"',
      'SIGIL_POLICY rules[1].when[1].rule: unknown rule "missing"',
    ]);
  });

  it("P6 stops the boot: loadConfig refuses a bad SIGIL_POLICY file naming the file and the field", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sigil-policy-"));
    const file = path.join(dir, "policy.yaml");
    writeFileSync(
      file,
      [
        "sources:",
        "  pass: { kind: erc721, chain: 31337, address: '0xnot-an-address' }",
        "rules:",
        "  - { id: pass, scopes: [positions:read], when: [pass] }",
      ].join("\n"),
    );
    const env = {
      SIGIL_ENV: "test",
      SIGIL_CHAINS: JSON.stringify([{ chainId: 31337, rpcUrls: ["http://127.0.0.1:1"], registry: VAULT }]),
      SIGIL_POLICY: file,
    };
    expect(() => loadConfig(env)).toThrow(
      `SIGIL_POLICY ${file} sources.pass.address: expected a 20-byte 0x address`,
    );
    writeFileSync(file, "sources: [unclosed");
    expect(() => loadConfig(env)).toThrow(/not valid YAML/);
    const json = path.join(dir, "policy.json");
    writeFileSync(json, JSON.stringify(good()).replace("31338", "31337"));
    const config = loadConfig({ ...env, SIGIL_POLICY: json });
    expect(Object.keys(config.policy.sources)).toEqual(["registry", "vault", "gov", "pass"]);
  });
});
