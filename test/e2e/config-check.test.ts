// `sigil config check` (O2) against a real chain over HTTP, a real database and Redis.
import { deployAccessStack } from "@sigil/chain/dev";
import { createDataSource } from "@sigil/persistence";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { configCheck, type LiveCheck } from "../../apps/cli/src/commands/config-check.js";
import { keys } from "../../apps/cli/src/commands/keys.js";
import { type SecondChain, startSecondChain } from "../fixtures/second-chain.js";

const CHAIN_ID = 31338;

describe("sigil config check (O2)", () => {
  let chain: SecondChain;
  let dataDir: string;
  let env: Record<string, string>;
  const kek = randomBytes(32).toString("base64");

  beforeAll(async () => {
    chain = await startSecondChain(CHAIN_ID);
    const stack = await deployAccessStack({
      publicClient: chain.publicClient,
      walletClient: chain.wallet(0),
      governance: false,
    });
    dataDir = await mkdtemp(path.join(tmpdir(), "sigil-config-check-"));
    env = {
      SIGIL_ENV: "development",
      SIGIL_DATA_DIR: dataDir,
      SIGIL_KEK: kek,
      SIGIL_CHAINS: JSON.stringify([{ chainId: CHAIN_ID, rpcUrls: [chain.url], registry: stack.registry }]),
      ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    };
  }, 120_000);

  afterAll(async () => {
    await chain?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Runs the check with `--json`; its exit code and report. */
  async function check(overrides: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await configCheck({
      env: { ...env, ...overrides },
      json: true,
      print: (line) => out.push(line),
      printError: (line) => err.push(line),
    });
    const report = JSON.parse((out.length > 0 ? out : err).join("\n")) as {
      ok: boolean;
      checks?: LiveCheck[];
      problems?: { key: string }[];
    };
    const failed = (report.checks ?? []).filter((c) => !c.ok).map((c) => [c.check.split(" ")[0], c.code]);
    return { code, report, failed };
  }

  it("O2: fails on an unmigrated database, passes once migrated, with every check listed", async () => {
    expect((await check()).failed).toEqual([["database", "database_not_migrated"]]);

    const database = createDataSource({ dataDir: path.join(dataDir, "pglite") });
    await database.initialize();
    await database.runMigrations();
    await database.destroy();
    // A stored signing key, so the KEK check has something to open.
    await keys({ action: "rotate", env: { ...env }, print: () => undefined });

    const passing = await check();
    expect(passing.code).toBe(0);
    expect(passing.report.checks!.map((c) => c.check)).toEqual([
      "database",
      "kek opens 1 stored signing key(s)",
      `chain ${CHAIN_ID} rpc`,
      expect.stringMatching(new RegExp(`^source registry-${CHAIN_ID} \\(sigil-registry at 0x`)),
      ...(env.REDIS_URL ? ["redis"] : []),
    ]);
  });

  it("O2: names what fails — another KEK, an RPC serving another chain, Redis down — and exits 1", async () => {
    expect(await check({ SIGIL_KEK: randomBytes(32).toString("base64") })).toMatchObject({
      code: 1,
      failed: [["kek", expect.any(String)]],
    });
    const otherChain = JSON.parse(env.SIGIL_CHAINS!) as { chainId: number }[];
    otherChain[0]!.chainId = 5;
    const wrongChain = await check({ SIGIL_CHAINS: JSON.stringify(otherChain) });
    expect(wrongChain.code).toBe(1);
    expect(wrongChain.failed[0]).toEqual(["chain", "chain_id_mismatch"]);
    expect(await check({ REDIS_URL: "redis://127.0.0.1:1" })).toMatchObject({
      code: 1,
      failed: [["redis", "redis_unavailable"]],
    });
  });

  it("O2: an invalid environment exits 78 with every problem, before any live check", async () => {
    const { code, report } = await check({ SIGIL_CHAINS: "", PORT: "eighty" });
    expect(code).toBe(78);
    expect(report.problems!.map((p) => p.key)).toEqual(["PORT", "SIGIL_CHAINS"]);
  });
});
