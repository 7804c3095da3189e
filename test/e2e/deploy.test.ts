// `sigil deploy` (O3) against real Hardhat chains over HTTP, with a fresh deployer key.
import { sigilGovernorAbi, sigilTimelockAbi } from "@sigil/chain";
import { devAccount } from "@sigil/chain/dev";
import { loadConfig } from "@sigil/config";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { type Address, type Hex, keccak256, parseEther, toHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { deploy } from "../../apps/cli/src/commands/deploy.js";
import { type SecondChain, startSecondChain } from "../fixtures/second-chain.js";

const CHAIN_ID = 31341;
const MINING_CHAIN_ID = 31342;

interface Check {
  check: string;
  ok: boolean;
  code?: string;
  detail?: string;
}

interface RecordJson {
  chainId: number;
  name: string;
  genesisHash: Hex;
  deployer: Address;
  admin: Address;
  contracts: { registry: Address; token?: Address; timelock?: Address; governor?: Address };
  codeHashes: { [name: string]: Hex };
  deployedAtBlock: string;
  confirmations: number;
  deployedAt: string;
  governance: false | Record<string, number>;
}

/** The hex private key of dev account `index` (Hardhat's public mnemonic). */
const devKey = (index: number) => toHex(devAccount(index).getHdKey().privateKey!);

/** Funds `address` from dev account 0 of `chain`. */
async function fund(chain: SecondChain, address: Address): Promise<void> {
  const hash = await chain.wallet(0).sendTransaction({ to: address, value: parseEther("100") });
  await chain.publicClient.waitForTransactionReceipt({ hash });
}

describe("sigil deploy (O3)", () => {
  let chain: SecondChain;
  let dir: string;
  let keyFile: string;
  const key = generatePrivateKey();
  const deployer = privateKeyToAccount(key).address;
  const admin = devAccount(5).address;

  beforeAll(async () => {
    chain = await startSecondChain(CHAIN_ID);
    dir = await mkdtemp(path.join(tmpdir(), "sigil-deploy-"));
    keyFile = path.join(dir, "deployer.key");
    // Surrounding whitespace, as an editor or `echo` leaves it.
    await writeFile(keyFile, `  ${key}\n`, { mode: 0o600 });
    await fund(chain, deployer);
  }, 120_000);

  afterAll(async () => {
    await chain?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `sigil deploy` in-process with `args`, the key file unless `env` says otherwise. */
  /** Governance settings, which a chain other than 31337 requires unless --no-governance. */
  const GOVERNANCE = ["--voting-delay", "2", "--voting-period", "20", "--timelock-delay", "90"];

  async function run(
    args: string[],
    env: NodeJS.ProcessEnv = { SIGIL_DEPLOYER_KEY_FILE: keyFile },
    cwd = dir,
  ) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await deploy({
      args,
      env,
      cwd,
      print: (line) => out.push(line),
      printError: (line) => err.push(line),
    });
    return { code, out, err: err.join("\n") };
  }

  async function verify(args: string[]) {
    const result = await run(["--verify", "--rpc", chain.url, "--json", ...args]);
    const report = JSON.parse(result.out.join("\n")) as { ok: boolean; checks: Check[] };
    const failed = report.checks.filter((c) => !c.ok).map((c) => [c.check, c.code]);
    return { ...result, report, failed };
  }

  const nonceOf = (address: Address, on = chain) => on.publicClient.getTransactionCount({ address });
  const readRecord = async (file: string) => JSON.parse(await readFile(file, "utf8")) as RecordJson;

  it("O3: deploys with a key file, writes the record, prints a SIGIL_CHAINS entry, and --verify passes", async () => {
    const { code, out, err } = await run([
      "--rpc",
      chain.url,
      "--chain-id",
      String(CHAIN_ID),
      "--name",
      "testnet",
      "--admin",
      admin,
      ...GOVERNANCE,
    ]);
    expect({ code, err }).toEqual({ code: 0, err: expect.stringContaining("record written to") });
    expect(out).toHaveLength(1);

    const record = await readRecord(path.join(dir, `sigil-deployment-${CHAIN_ID}.json`));
    const genesis = await chain.publicClient.getBlock({ blockNumber: 0n });
    expect(record).toMatchObject({
      chainId: CHAIN_ID,
      name: "testnet",
      genesisHash: genesis.hash,
      deployer,
      admin,
      confirmations: 1,
      deployedAtBlock: expect.stringMatching(/^\d+$/),
    });
    expect(new Date(record.deployedAt).toISOString()).toBe(record.deployedAt);
    expect(Object.keys(record.contracts).sort()).toEqual(["governor", "registry", "timelock", "token"]);
    for (const [name, address] of Object.entries(record.contracts)) {
      const code = await chain.publicClient.getCode({ address });
      expect(code?.length).toBeGreaterThan(2);
      expect(record.codeHashes[name]).toBe(keccak256(code!));
    }

    // The governance settings given are the ones deployed and recorded.
    const governor = { address: record.contracts.governor!, abi: sigilGovernorAbi } as const;
    const [votingDelay, votingPeriod, minDelay] = await Promise.all([
      chain.publicClient.readContract({ ...governor, functionName: "votingDelay" }),
      chain.publicClient.readContract({ ...governor, functionName: "votingPeriod" }),
      chain.publicClient.readContract({
        address: record.contracts.timelock!,
        abi: sigilTimelockAbi,
        functionName: "getMinDelay",
      }),
    ]);
    expect([votingDelay, votingPeriod, minDelay]).toEqual([2n, 20n, 90n]);
    expect(record.governance).toEqual({
      votingDelay: 2,
      votingPeriod: 20,
      quorumPercent: 4,
      timelockDelay: 90,
    });

    // The printed entry is what an operator pastes into SIGIL_CHAINS: the config loader takes it.
    const entry = JSON.parse(out[0]!) as { registry: Address };
    const config = loadConfig({
      SIGIL_ENV: "development",
      SIGIL_DATA_DIR: dir,
      SIGIL_KEK: randomBytes(32).toString("base64"),
      SIGIL_CHAINS: `[${out[0]}]`,
    });
    expect(config.chains).toEqual([
      expect.objectContaining({
        chainId: CHAIN_ID,
        name: "testnet",
        rpcUrls: [chain.url],
        registry: record.contracts.registry,
        fromBlock: Number(record.deployedAtBlock),
        confirmations: 0,
      }),
    ]);
    expect(entry.registry).toBe(record.contracts.registry);

    const verified = await verify([]);
    expect({ code: verified.code, failed: verified.failed }).toEqual({ code: 0, failed: [] });
    expect(verified.report.checks.map((c) => c.check)).toEqual(
      expect.arrayContaining([
        `chain id ${CHAIN_ID}`,
        "genesis block",
        `registry code at ${record.contracts.registry}`,
        `governor code at ${record.contracts.governor}`,
        `registry admin role held by the admin ${admin}`,
        `registry admin role not held by the deployer ${deployer}`,
        `registry admin role held by the timelock ${record.contracts.timelock}`,
        `governor token is ${record.contracts.token}`,
        "timelock proposer role held by the governor",
        "timelock admin role renounced by the deployer",
      ]),
    );
  }, 120_000);

  it("O3: --verify exits 1 naming the contract when the record is tampered with", async () => {
    const record = await readRecord(path.join(dir, `sigil-deployment-${CHAIN_ID}.json`));
    const tampered = path.join(dir, "tampered.json");

    await writeFile(
      tampered,
      JSON.stringify({ ...record, codeHashes: { ...record.codeHashes, registry: keccak256("0x00") } }),
    );
    const wrongHash = await verify(["--record", tampered]);
    expect({ code: wrongHash.code, failed: wrongHash.failed }).toEqual({
      code: 1,
      failed: [[`registry code at ${record.contracts.registry}`, "code_hash_mismatch"]],
    });
    const human = await run(["--verify", "--rpc", chain.url, "--record", tampered]);
    expect(human.code).toBe(1);
    expect(human.out).toContainEqual(
      expect.stringMatching(/^✗ registry code at 0x.*\[code_hash_mismatch\]$/),
    );
    expect(human.out.at(-1)).toBe("deploy verify: FAILED");

    // The timelock swapped for the registry: its code and every wiring check through it fail.
    await writeFile(
      tampered,
      JSON.stringify({ ...record, contracts: { ...record.contracts, timelock: record.contracts.registry } }),
    );
    const wrongAddress = await verify(["--record", tampered]);
    expect(wrongAddress.code).toBe(1);
    expect(wrongAddress.failed).toEqual(
      expect.arrayContaining([
        [`timelock code at ${record.contracts.registry}`, "code_hash_mismatch"],
        [`registry admin role held by the timelock ${record.contracts.registry}`, "wiring_mismatch"],
        [`governor timelock is ${record.contracts.registry}`, "wiring_mismatch"],
      ]),
    );
  }, 60_000);

  it("O3: Hardhat's public dev keys are refused outside chain 31337 before anything is sent", async () => {
    for (const index of [0, 7]) {
      const devAddress = devAccount(index).address;
      const before = await nonceOf(devAddress);
      const { code, out, err } = await run(["--rpc", chain.url, "--record", `dev-${index}.json`], {
        SIGIL_DEPLOYER_KEY: devKey(index),
      });
      expect({ index, code, out }).toEqual({ index, code: 78, out: [] });
      expect(err).toContain("[deployer_key_public_dev_key]");
      expect(err).toContain(`public dev account ${index}`);
      expect(err).not.toContain(devKey(index).slice(2));
      expect(await nonceOf(devAddress)).toBe(before);
      await expect(stat(path.join(dir, `dev-${index}.json`))).rejects.toThrow("ENOENT");
    }
  });

  it("O3: governance outside chain 31337 needs its delays and period stated, before anything is sent", async () => {
    const before = await nonceOf(deployer);
    const { code, out, err } = await run([
      "--rpc",
      chain.url,
      "--voting-period",
      "50400",
      "--record",
      "g.json",
    ]);
    expect({ code, out }).toEqual({ code: 78, out: [] });
    expect(err).toContain("needs --voting-delay, --timelock-delay");
    expect(err).toContain("[governance_settings_required]");
    expect(await nonceOf(deployer)).toBe(before);
    const bad = await run(["--rpc", chain.url, ...GOVERNANCE, "--quorum-percent", "0", "--record", "g.json"]);
    expect(bad.code).toBe(78);
    expect(bad.err).toContain("--quorum-percent must be an integer from 1 to 100");
  });

  it("O3: a public dev key is accepted on chain 31337", async () => {
    const devChain = await startSecondChain(31337);
    const cwd = await mkdtemp(path.join(tmpdir(), "sigil-deploy-31337-"));
    try {
      const env = { SIGIL_DEPLOYER_KEY: devKey(0) };
      const deployed = await run(["--rpc", devChain.url, "--no-governance"], env, cwd);
      expect({ code: deployed.code, err: deployed.err }).toEqual({ code: 0, err: expect.any(String) });
      const record = await readRecord(path.join(cwd, "sigil-deployment-31337.json"));
      expect(record.contracts).toEqual({ registry: expect.stringMatching(/^0x/) });
      const verified = await run(["--verify", "--rpc", devChain.url], env, cwd);
      expect(verified.code).toBe(0);
      expect(verified.out.at(-1)).toMatch(/^deploy verify: all \d+ checks ok$/);
    } finally {
      await devChain.stop();
      await rm(cwd, { recursive: true, force: true });
    }
  }, 60_000);

  it("O3: a key given as a flag is refused and never echoed", async () => {
    const secret = generatePrivateKey();
    for (const args of [
      ["--key", secret],
      [`--key=${secret}`],
      ["--private-key", secret],
      [`--private-key=${secret}`],
      ["--deployer-key", secret.slice(2)],
      [`--deployer-key=${secret}`],
      // A key pasted without its flag is still not quoted back.
      [secret],
    ]) {
      const { code, out, err } = await run(["--rpc", chain.url, ...args]);
      expect({ args: args.length, code, out }).toEqual({ args: args.length, code: 78, out: [] });
      expect(err).toContain("[deployer_key_flag]");
      expect(err).toContain("SIGIL_DEPLOYER_KEY_FILE");
      expect(err).not.toContain(secret.slice(2));
    }
  });

  it("O3: no key, both keys, an unreadable file or a malformed key are refused, never echoed", async () => {
    const before = await nonceOf(deployer);
    const cases: [NodeJS.ProcessEnv, string][] = [
      [{}, "deployer_key_missing"],
      [{ SIGIL_DEPLOYER_KEY_FILE: keyFile, SIGIL_DEPLOYER_KEY: key }, "deployer_key_ambiguous"],
      [{ SIGIL_DEPLOYER_KEY_FILE: path.join(dir, "absent.key") }, "deployer_key_unreadable"],
      [{ SIGIL_DEPLOYER_KEY: key.slice(2) }, "deployer_key_invalid"],
      [{ SIGIL_DEPLOYER_KEY: `${key}00` }, "deployer_key_invalid"],
    ];
    for (const [env, error] of cases) {
      const { code, out, err } = await run(["--rpc", chain.url], env);
      expect({ error, code, out }).toEqual({ error, code: 78, out: [] });
      expect(err).toContain(`[${error}]`);
      expect(err).not.toContain(key.slice(2));
    }
    expect(await nonceOf(deployer)).toBe(before);
  });

  it("O3: a --chain-id other than the RPC's is refused before anything is sent", async () => {
    const before = await nonceOf(deployer);
    const { code, out, err } = await run(["--rpc", chain.url, "--chain-id", "1", "--record", "x.json"]);
    expect({ code, out }).toEqual({ code: 78, out: [] });
    expect(err).toContain(`--chain-id 1 but the RPC serves chain ${CHAIN_ID} [chain_id_mismatch]`);
    expect(await nonceOf(deployer)).toBe(before);
  });

  it("O3: an existing record is refused before anything is sent; --force overwrites it", async () => {
    const file = path.join(dir, "again.json");
    const args = ["--rpc", chain.url, "--no-governance", "--record", "again.json"];
    expect((await run(args)).code).toBe(0);
    const first = await readRecord(file);

    const before = await nonceOf(deployer);
    const refused = await run(args);
    expect({ code: refused.code, out: refused.out }).toEqual({ code: 78, out: [] });
    expect(refused.err).toContain("[deployment_record_exists]");
    expect(await nonceOf(deployer)).toBe(before);
    expect(await readRecord(file)).toEqual(first);

    const forced = await run([...args, "--force"]);
    expect(forced.code).toBe(0);
    const second = await readRecord(file);
    expect(second.contracts.registry).not.toBe(first.contracts.registry);
    expect(JSON.parse(forced.out[0]!)).toMatchObject({ registry: second.contracts.registry });
  }, 60_000);

  it("O3: --confirmations 3 returns only once the last transaction is 3 blocks deep", async () => {
    const mining = await startSecondChain(MINING_CHAIN_ID);
    try {
      await fund(mining, deployer);
      await mining.publicClient.request({ method: "evm_setAutomine" as never, params: [false] as never });
      await mining.publicClient.request({
        method: "evm_setIntervalMining" as never,
        params: [2_000] as never,
      });
      // Blocks slower than the CLI's 1 s polling: a deploy that did not wait would return 1 block deep.
      // Three transactions: the registry, the grant to the admin, the deployer's renounce.
      const { code, out } = await run([
        "--rpc",
        mining.url,
        "--no-governance",
        "--admin",
        admin,
        "--confirmations",
        "3",
      ]);
      const head = await mining.publicClient.getBlockNumber();
      expect(code).toBe(0);
      // The same depth for role sync, which counts only the blocks after an event's.
      expect(JSON.parse(out[0]!)).toMatchObject({ confirmations: 2 });

      const record = await readRecord(path.join(dir, `sigil-deployment-${MINING_CHAIN_ID}.json`));
      const sent: bigint[] = [];
      for (let number = BigInt(record.deployedAtBlock); number <= head; number++) {
        const block = await mining.publicClient.getBlock({ blockNumber: number, includeTransactions: true });
        if (block.transactions.some((tx) => tx.from.toLowerCase() === deployer.toLowerCase()))
          sent.push(number);
      }
      expect(sent).toHaveLength(3);
      // Each step waited for the one before to be buried, so they sit in distinct blocks.
      expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(3n);
      expect(head - sent[2]! + 1n).toBeGreaterThanOrEqual(3n);
    } finally {
      await mining.stop();
    }
  }, 120_000);

  it("O3: the built CLI deploys with SIGIL_DEPLOYER_KEY_FILE and prints exactly one JSON line", async () => {
    const cli = path.join(process.cwd(), "dist/apps/cli/src/main.js");
    const exec = (args: string[]) =>
      promisify(execFile)(process.execPath, [cli, "deploy", ...args], {
        cwd: dir,
        env: { PATH: process.env.PATH!, SIGIL_DEPLOYER_KEY_FILE: keyFile },
        timeout: 60_000,
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );

    const { code, stdout, stderr } = await exec([
      "--rpc",
      chain.url,
      "--no-governance",
      "--record",
      "cli.json",
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining("record written to") });
    expect(stdout.endsWith("\n")).toBe(true);
    expect(stdout.slice(0, -1).split("\n")).toHaveLength(1);
    const entry = JSON.parse(stdout) as { [field: string]: unknown };
    expect(Object.keys(entry)).toEqual([
      "chainId",
      "name",
      "rpcUrls",
      "registry",
      "fromBlock",
      "confirmations",
    ]);
    expect(entry).toMatchObject({ chainId: CHAIN_ID, rpcUrls: [chain.url], confirmations: 0 });

    const secret = generatePrivateKey();
    const refused = await exec(["--rpc", chain.url, `--private-key=${secret}`]);
    expect({ code: refused.code, stdout: refused.stdout }).toEqual({ code: 78, stdout: "" });
    expect(refused.stderr).toContain("[deployer_key_flag]");
    expect(refused.stderr).not.toContain(secret.slice(2));
  }, 60_000);
});
