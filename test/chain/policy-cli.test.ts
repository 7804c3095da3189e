import { ChainClients } from "@sigil/chain";
import {
  type AccessStack,
  deployAccessStack,
  deployPolicyDemoExternal,
  deployPolicyDemoOz,
  devAccount,
  DevAccountIndex,
  type PolicyDemoExternal,
  type PolicyDemoOz,
  seedDemoRoles,
} from "@sigil/chain/dev";
import { loadConfig } from "@sigil/config";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { stringify as toYaml } from "yaml";
import { AccessReaderService } from "../../apps/auth-api/src/chain/access-reader.service.js";
import { MetricsService } from "../../apps/auth-api/src/platform/metrics/metrics.service.js";
import {
  EXIT_CONFIG,
  policyCheck,
  policyExplain,
  type PolicyExplanation,
  type SourceCheck,
} from "../../apps/cli/src/commands/policy.js";
import { type LocalChain, startLocalChain } from "../fixtures/local-chain.js";
import { signIn, startSigil } from "../fixtures/sigil-app.js";

const admin = devAccount(DevAccountIndex.admin).address;
const trader = devAccount(DevAccountIndex.trader).address;
const viewer = devAccount(DevAccountIndex.viewer).address;
const noRole = devAccount(DevAccountIndex.noRole).address;

/** `sigil policy check` and `sigil policy explain` against a local chain holding one contract of most kinds. */
describe("sigil policy check | explain", () => {
  let chain: LocalChain;
  let stack: AccessStack;
  let oz: PolicyDemoOz;
  let ext: PolicyDemoExternal;
  let dir: string;
  let env: Record<string, string>;

  /** The sources of the passing policy: a registry, an NFT pass, a KYC attestation, a Safe, a token. */
  const sources = () => ({
    registry: { kind: "sigil-registry", chain: 31337, address: stack.registry },
    pass: { kind: "erc721", chain: 31337, address: oz.pass },
    kyc: {
      kind: "eas",
      chain: 31337,
      address: ext.eas,
      schema: ext.kycSchema,
      attesters: [admin],
      fromBlock: Number(ext.deployedAtBlock),
    },
    treasury: { kind: "safe", chain: 31337, address: ext.safe },
    token: { kind: "erc20", chain: 31337, address: oz.token, threshold: "100" },
  });
  const rules = [
    { id: "roles", scopesFrom: "registry", scopes: ["orders:read", "positions:read"] },
    { id: "pass-holders", scopes: ["positions:read"], when: ["pass"] },
    {
      id: "writers",
      scopesFrom: "registry",
      scopes: ["orders:write"],
      when: ["kyc", { rule: "pass-holders" }],
    },
    { id: "treasury", scopes: ["treasury:read"], when: [{ anyOf: ["treasury", "token"] }] },
  ];

  const policyFile = async (name: string, document: unknown): Promise<Record<string, string>> => {
    const file = path.join(dir, name);
    await writeFile(file, name.endsWith(".json") ? JSON.stringify(document) : toYaml(document));
    return { ...env, SIGIL_POLICY: file };
  };
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      print: (line: string) => out.push(line),
      printError: (line: string) => err.push(line),
    };
  };
  const latest = async () => {
    const block = await chain.publicClient.getBlock();
    return { number: block.number.toString(), hash: block.hash };
  };

  beforeAll(async () => {
    chain = await startLocalChain();
    const walletClient = chain.wallet(DevAccountIndex.admin);
    const clients = { publicClient: chain.publicClient, walletClient };
    stack = await deployAccessStack({ ...clients, governance: false });
    await seedDemoRoles({ ...clients, registry: stack.registry, trader, viewer });
    oz = await deployPolicyDemoOz({ ...clients, seed: { passHolder: trader } });
    ext = await deployPolicyDemoExternal({
      ...clients,
      safeOwners: [admin],
      kyc: { attester: walletClient, recipients: [trader] },
    });
    dir = await mkdtemp(path.join(tmpdir(), "sigil-policy-cli-"));
    env = {
      SIGIL_ENV: "test",
      SIGIL_CHAINS: JSON.stringify([
        { chainId: 31337, name: "local", rpcUrls: [chain.url], registry: stack.registry, timeoutMs: 2000 },
      ]),
      SIGIL_BLOCK_CACHE_MS: "0",
    };
  });

  afterAll(async () => {
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe("check", () => {
    it("P6 sigil policy check passes a policy whose every source answers its interface (exit 0)", async () => {
      const io = capture();
      const code = await policyCheck({
        env: await policyFile("good.yaml", { sources: sources(), rules }),
        ...io,
        json: true,
      });
      expect(code).toBe(0);
      const report = JSON.parse(io.out.join("\n")) as { ok: boolean; sources: SourceCheck[] };
      const head = await latest();
      expect(report.ok).toBe(true);
      expect(report.sources.map((s) => [s.source, s.ok])).toEqual([
        ["registry", true],
        ["pass", true],
        ["kyc", true],
        ["treasury", true],
        ["token", true],
      ]);
      for (const source of report.sources) expect(source.block).toEqual(head);
      // The mint, the attestation and the role grants are logs of followed events, and they decode.
      const followed = Object.fromEntries(report.sources.map((s) => [s.source, s.logs!.followed]));
      expect(followed.pass).toBe(1);
      expect(followed.kyc).toBe(1);
      expect(followed.registry).toBeGreaterThan(0);

      const text = capture();
      expect(
        await policyCheck({ env: await policyFile("good.json", { sources: sources(), rules }), ...text }),
      ).toBe(0);
      expect(text.out).toHaveLength(6);
      expect(text.out[1]).toMatch(/^ok {3}pass \(erc721, chain 31337, 0x[0-9a-fA-F]{40}\): code, interface/);
      expect(text.out[5]).toBe("policy check: all 5 sources ok");
    });

    it("P6 sigil policy check catches a contract that does not answer the interface (exit 1, one line each)", async () => {
      const io = capture();
      const env = await policyFile("wrong.yaml", {
        sources: {
          ...sources(),
          "pass-at-eoa": { kind: "erc721", chain: 31337, address: noRole },
          "pass-at-token": { kind: "erc721", chain: 31337, address: oz.token },
          "vault-at-pass": {
            kind: "access-control",
            chain: 31337,
            address: oz.pass,
            roles: { [`0x${"11".repeat(32)}`]: ["orders:read"] },
          },
          "kyc-at-safe": { ...sources().kyc, address: ext.safe },
        },
        rules: [
          ...rules,
          {
            id: "odd",
            scopes: ["odd:read"],
            when: ["pass-at-eoa", "pass-at-token", "vault-at-pass", "kyc-at-safe"],
          },
        ],
      });
      expect(await policyCheck({ env, ...io, json: true })).toBe(1);
      const report = JSON.parse(io.out.join("\n")) as { ok: boolean; sources: SourceCheck[] };
      expect(report.ok).toBe(false);
      const failures = report.sources.filter((s) => !s.ok).map((s) => [s.source, s.code]);
      expect(failures).toEqual([
        ["pass-at-eoa", "source_no_code"],
        ["pass-at-token", "source_interface_mismatch"],
        ["vault-at-pass", "source_interface_mismatch"],
        ["kyc-at-safe", "source_interface_mismatch"],
      ]);
      expect(report.sources.find((s) => s.source === "pass-at-token")).toMatchObject({
        kind: "erc721",
        address: oz.token,
        message: expect.stringContaining("ERC-721"),
      });

      const text = capture();
      expect(await policyCheck({ env, ...text })).toBe(1);
      expect(text.out.filter((line) => line.startsWith("FAIL "))).toEqual([
        expect.stringMatching(
          /^FAIL pass-at-eoa \(erc721, chain 31337, 0x\w+\) \[source_no_code\]: no contract at /,
        ),
        expect.stringMatching(/^FAIL pass-at-token .*\[source_interface_mismatch\]/),
        expect.stringMatching(/^FAIL vault-at-pass .*\[source_interface_mismatch\]/),
        expect.stringMatching(/^FAIL kyc-at-safe .*\[source_interface_mismatch\]/),
      ]);
      expect(text.out.at(-1)).toBe("policy check: FAILED");
    });

    it("P6 a chain whose RPC does not answer fails its sources with rpc_unavailable", async () => {
      const io = capture();
      const down = await policyFile("good.yaml", { sources: sources(), rules });
      down.SIGIL_CHAINS = JSON.stringify([
        {
          chainId: 31337,
          name: "local",
          rpcUrls: ["http://127.0.0.1:9"],
          registry: stack.registry,
          timeoutMs: 500,
        },
      ]);
      expect(await policyCheck({ env: down, ...io, json: true })).toBe(1);
      const report = JSON.parse(io.out.join("\n")) as { sources: SourceCheck[] };
      expect(new Set(report.sources.map((s) => s.code))).toEqual(new Set(["rpc_unavailable"]));
    });

    it("P6 a policy file that does not parse exits 78 naming every bad field's path", async () => {
      const env = await policyFile("bad.yaml", {
        sources: {
          pass: { kind: "erc721", chain: 31337, address: "0x123" },
          kyc: { ...sources().kyc, chain: 5 },
        },
        rules: [{ id: "r", scopes: ["positions:read"], when: ["pass", "nope"] }],
      });
      const io = capture();
      expect(await policyCheck({ env, ...io, json: true })).toBe(EXIT_CONFIG);
      expect(io.out).toEqual([]);
      const error = JSON.parse(io.err.join("\n"));
      expect(error).toMatchObject({ error: "config_invalid" });
      expect(error.problems).toEqual([expect.objectContaining({ path: "sources.pass.address" })]);

      // Once the shape is right, every reference problem is listed at once.
      const shaped = await policyFile("refs.yaml", {
        sources: { pass: { kind: "erc721", chain: 5, address: oz.pass } },
        rules: [{ id: "r", scopes: ["positions:read"], when: ["pass", { anyOf: ["nope"] }] }],
      });
      const text = capture();
      expect(await policyExplain({ env: shaped, address: trader, ...text })).toBe(EXIT_CONFIG);
      const message = text.err.join("\n");
      expect(message).toContain("sources.pass.chain: chain 5 is not in SIGIL_CHAINS");
      expect(message).toContain('rules[0].when[1].anyOf[0]: unknown source "nope"');
      expect(message).toContain("[config_invalid]");
    });

    it("P6 the built `sigil policy check` exits 78 for a bad file and 0 for a good one", async () => {
      const cli = (extra: Record<string, string>) =>
        promisify(execFile)(
          process.execPath,
          [path.join(process.cwd(), "dist/apps/cli/src/main.js"), "policy", "check"],
          {
            env: { ...process.env, NODE_OPTIONS: "", ...extra },
            timeout: 60_000,
          },
        ).then(
          ({ stdout }) => ({ code: 0, stdout, stderr: "" }),
          (error: { code: number; stdout: string; stderr: string }) => error,
        );
      const bad = await cli(
        await policyFile("bad.json", {
          sources: { pass: { kind: "erc721", chain: 31337, address: oz.pass, min: 0 } },
          rules,
        }),
      );
      expect(bad.code).toBe(EXIT_CONFIG);
      expect(bad.stderr).toContain("sources.pass.min:");
      const good = await cli(await policyFile("good.json", { sources: sources(), rules }));
      expect(good.code).toBe(0);
      expect(good.stdout).toContain("policy check: all 5 sources ok");
    });
  });

  describe("explain", () => {
    const explain = async (address: string, more: { wallet?: string } = {}) => {
      const io = capture();
      const env = await policyFile("explain.yaml", { sources: sources(), rules });
      expect(await policyExplain({ env, address, json: true, ...more, ...io })).toBe(0);
      return { env, explanation: JSON.parse(io.out.join("\n")) as PolicyExplanation };
    };

    it("P7 sigil policy explain names the rules, scopes and sources, at the chain's latest block", async () => {
      const head = await latest();
      const { env, explanation } = await explain(trader.toLowerCase());
      expect(explanation).toMatchObject({ address: trader, signInChainId: 31337, walletKind: "eoa" });
      expect(explanation.blocks).toEqual([{ chainId: 31337, ...head }]);
      expect(explanation.scopes).toEqual(["orders:read", "orders:write", "positions:read"]);
      const at = { chainId: 31337, blockNumber: head.number, blockHash: head.hash };
      const registry = { source: "registry", kind: "sigil-registry", address: stack.registry, ...at };
      const pass = { source: "pass", kind: "erc721", address: oz.pass, ...at };
      const kyc = { source: "kyc", kind: "eas", address: ext.eas, ...at };
      expect(explanation.provenance).toEqual({
        "orders:read": { rule: "roles", sources: [registry] },
        "positions:read": { rule: "roles", sources: [registry] },
        "orders:write": { rule: "writers", sources: [registry, kyc, pass] },
      });
      expect(explanation.rules).toEqual([
        {
          rule: "roles",
          holds: true,
          scopes: ["orders:read", "positions:read"],
          sources: ["registry"],
          failed: [],
        },
        { rule: "pass-holders", holds: true, scopes: ["positions:read"], sources: ["pass"], failed: [] },
        {
          rule: "writers",
          holds: true,
          scopes: ["orders:write"],
          sources: ["registry", "kyc", "pass"],
          failed: [],
        },
        {
          rule: "treasury",
          holds: false,
          scopes: [],
          sources: [],
          failed: [
            {
              at: "when[0]",
              failure: {
                reason: "no_member_held",
                members: [
                  { reason: "source_not_held", source: "treasury" },
                  { reason: "source_not_held", source: "token" },
                ],
              },
            },
          ],
        },
      ]);
      expect(explanation.sources.find((s) => s.source === "registry")).toMatchObject({
        applies: true,
        holds: true,
        roles: ["TRADER"],
      });

      // The service's own read (what a sign-in's grant row records) agrees, scope for scope.
      const config = loadConfig(env);
      const reader = new AccessReaderService(new ChainClients(config.chains), config, new MetricsService());
      expect((await reader.read(31337, trader, "eoa")).provenance).toEqual(explanation.provenance);
    });

    it("P7 explain for an account holding some sources and not others says which condition failed", async () => {
      const head = await latest();
      const { explanation } = await explain(admin);
      // The admin owns the Safe and the token supply, holds no pass, no KYC and no registry role.
      expect(explanation.scopes).toEqual(["treasury:read"]);
      expect(explanation.provenance).toEqual({
        "treasury:read": {
          rule: "treasury",
          sources: [
            {
              source: "treasury",
              kind: "safe",
              chainId: 31337,
              address: ext.safe,
              blockNumber: head.number,
              blockHash: head.hash,
            },
          ],
        },
      });
      const byRule = Object.fromEntries(explanation.rules.map((rule) => [rule.rule, rule]));
      expect(byRule.roles!.failed).toEqual([
        { at: "scopesFrom", failure: { reason: "source_not_held", source: "registry" } },
      ]);
      expect(byRule.writers!.failed).toEqual([
        { at: "scopesFrom", failure: { reason: "source_not_held", source: "registry" } },
        { at: "when[0]", failure: { reason: "source_not_held", source: "kyc" } },
        { at: "when[1]", failure: { reason: "rule_not_held", rule: "pass-holders" } },
      ]);

      const text = capture();
      const env = await policyFile("explain.yaml", { sources: sources(), rules });
      expect(await policyExplain({ env, address: admin, ...text })).toBe(0);
      expect(text.out).toEqual(
        expect.arrayContaining([
          `${admin} signing in on chain 31337 as an EOA`,
          `  chain 31337: block ${head.number} ${head.hash}`,
          "rule writers: does not hold",
          `  when[0]: kyc (eas, chain 31337, ${ext.eas}) at block ${head.number} ${head.hash} does not hold`,
          "  when[1]: rule pass-holders does not hold",
          "rule treasury: grants treasury:read",
          `  from treasury (safe, chain 31337, ${ext.safe}) at block ${head.number} ${head.hash}`,
          "scopes: treasury:read",
        ]),
      );
    });

    it("P7 explain --json prints the provenance a sign-in's grant row records, scope for scope, at the same block", async () => {
      const sigil = await startSigil({}, { policy: async () => ({ sources: sources(), rules }) });
      try {
        const login = await signIn({ app: sigil.app, account: devAccount(DevAccountIndex.trader) });
        expect(login.status).toBe(200);
        expect(login.body.scope).toBe("orders:read orders:write positions:read");
        const [row] = (await sigil.database.dataSource.query(
          `SELECT scope_sources, block_number, block_hash FROM grants WHERE session_id = $1`,
          [login.body.session_id],
        )) as { scope_sources: unknown; block_number: string; block_hash: string }[];
        // Nothing is mined between the sign-in and the explanation: both read the same block.
        const io = capture();
        expect(await policyExplain({ env: sigil.env, address: trader, json: true, ...io })).toBe(0);
        const explanation = JSON.parse(io.out.join("\n")) as PolicyExplanation;
        const head = await latest();
        expect(explanation.blocks).toEqual([{ chainId: 31337, ...head }]);
        expect({ number: String(row!.block_number), hash: row!.block_hash }).toEqual(head);

        const at = { chainId: 31337, blockNumber: head.number, blockHash: head.hash };
        const registry = { source: "registry", kind: "sigil-registry", address: stack.registry, ...at };
        const pass = { source: "pass", kind: "erc721", address: oz.pass, ...at };
        const kyc = { source: "kyc", kind: "eas", address: ext.eas, ...at };
        const expected = {
          "orders:read": { rule: "roles", sources: [registry] },
          "positions:read": { rule: "roles", sources: [registry] },
          "orders:write": { rule: "writers", sources: [registry, kyc, pass] },
        };
        expect(row!.scope_sources).toEqual(expected);
        expect(explanation.provenance).toEqual(expected);
        expect(explanation.provenance).toEqual(row!.scope_sources);
      } finally {
        await sigil.close();
      }
      // A whole auth-api on PGlite starts slowly on a shared machine.
    }, 120_000);

    it("refuses a malformed address and an unknown wallet kind", async () => {
      await expect(policyExplain({ env, address: "0x123" })).rejects.toThrow("not an address: 0x123");
      await expect(policyExplain({ env, address: trader, wallet: "safe" })).rejects.toThrow(
        "--wallet must be eoa or contract",
      );
    });
  });
});
