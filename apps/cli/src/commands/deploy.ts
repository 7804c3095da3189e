import {
  type AccessStack,
  DEV_CHAIN_ID,
  DEV_GOVERNANCE_SETTINGS,
  deployAccessStack,
  type GovernanceSettings,
} from "@sigil/chain/dev";
import { EX_CONFIG } from "@sigil/config";
import { ConfigInvalidError, isSigilError, RpcUnavailableError } from "@sigil/core";
import { stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  type Hex,
  http,
  isAddress,
  isAddressEqual,
  type PublicClient,
  zeroAddress,
} from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { readDeployerKey, refuseKeyArguments, refusePublicDevKey } from "../deploy/deployer-key.js";
import {
  type ContractName,
  type DeploymentRecord,
  readRecord,
  recordPath,
  writeRecord,
} from "../deploy/deployment-record.js";
import { codeHashOf, type VerifyCheck, verifyDeployment } from "../deploy/verify-deployment.js";

export const DEPLOY_USAGE = `  sigil deploy --rpc URL [--chain-id N] [--name NAME] [--confirmations N] [--admin 0x…]
               [--voting-delay BLOCKS --voting-period BLOCKS --timelock-delay SECONDS]
               [--quorum-percent N] [--no-governance] [--record FILE] [--force]
                                 deploy the AccessRegistry and governance (votes token, timelock,
                                 governor) with the key in SIGIL_DEPLOYER_KEY_FILE or SIGIL_DEPLOYER_KEY,
                                 write a deployment record, print the SIGIL_CHAINS entry (stdout);
                                 outside chain 31337 governance needs its delays and period stated
  sigil deploy --verify --rpc URL [--record FILE] [--json]
                                 check a recorded deployment's code and wiring on chain; exits 1 naming
                                 what differs, 78 for a usage, key or record problem`;

export interface DeployParameters {
  /** The arguments after `deploy`. */
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Where a relative `--record` and the default record path resolve; defaults to the process's. */
  cwd?: string;
  /** stdout: the SIGIL_CHAINS entry, or the verify report. */
  print?: (line: string) => void;
  /** stderr: progress and errors. */
  printError?: (line: string) => void;
}

interface Output {
  print: (line: string) => void;
  printError: (line: string) => void;
}

const OPTIONS = {
  rpc: { type: "string" },
  "chain-id": { type: "string" },
  name: { type: "string" },
  confirmations: { type: "string" },
  admin: { type: "string" },
  "no-governance": { type: "boolean" },
  "voting-delay": { type: "string" },
  "voting-period": { type: "string" },
  "quorum-percent": { type: "string" },
  "timelock-delay": { type: "string" },
  record: { type: "string" },
  force: { type: "boolean" },
  verify: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The parsed options of `sigil deploy`, validated. */
interface DeployOptions {
  rpc?: string;
  chainId?: number;
  name?: string;
  confirmations: number;
  admin?: Address;
  governance: boolean;
  /** The governance settings given as flags. */
  settings: Partial<GovernanceSettings>;
  record?: string;
  force: boolean;
  verify: boolean;
  json: boolean;
  help: boolean;
}

const usage = (problem: string) =>
  new ConfigInvalidError(`${problem} (sigil deploy --help)`, { details: { key: "deploy_usage" } });

/**
 * `sigil deploy`: deploys (or with `--verify` checks) the access stack on the chain behind `--rpc`.
 * Returns the exit code: 0 success, 78 a usage, key or record problem (nothing sent), 1 a chain
 * failure or a failed verification.
 */
export async function deploy(p: DeployParameters): Promise<number> {
  const { env = process.env, cwd = process.cwd(), print = console.log, printError = console.error } = p;
  try {
    // Before parseArgs, whose own errors could quote the value.
    refuseKeyArguments(p.args);
    const options = parseOptions(p.args);
    if (options.help) {
      print(DEPLOY_USAGE);
      return 0;
    }
    return options.verify
      ? await verify({ options, cwd, print, printError })
      : await deployStack({ options, env, cwd, print, printError });
  } catch (error) {
    if (error instanceof ConfigInvalidError) {
      const key = (error.details as { key?: string } | undefined)?.key ?? error.code;
      printError(`sigil deploy: ${error.message} [${key}]`);
      return EX_CONFIG;
    }
    printError(`sigil deploy: ${describe(error)}${isSigilError(error) ? ` [${error.code}]` : ""}`);
    return 1;
  }
}

function parseOptions(args: readonly string[]): DeployOptions {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true }));
  } catch (error) {
    throw usage(describe(error));
  }
  // Not quoted: a positional may be a secret pasted in the wrong place.
  if (positionals.length > 0) throw usage("sigil deploy takes no positional arguments");
  return {
    rpc: values.rpc,
    chainId: values["chain-id"] === undefined ? undefined : integer("--chain-id", values["chain-id"], 1),
    name: values.name,
    confirmations:
      values.confirmations === undefined ? 1 : integer("--confirmations", values.confirmations, 0, 256),
    admin: values.admin === undefined ? undefined : adminAddress(values.admin),
    governance: !values["no-governance"],
    settings: governanceFlags(values),
    record: values.record,
    force: values.force ?? false,
    verify: values.verify ?? false,
    json: values.json ?? false,
    help: values.help ?? false,
  };
}

/** Flag of each governance setting, and its least value (OpenZeppelin's Governor and Timelock). */
const GOVERNANCE_FLAGS = {
  votingDelay: ["--voting-delay", 0, 2 ** 48 - 1],
  votingPeriod: ["--voting-period", 1, 2 ** 32 - 1],
  quorumPercent: ["--quorum-percent", 1, 100],
  timelockDelay: ["--timelock-delay", 0, Number.MAX_SAFE_INTEGER],
} as const satisfies Record<keyof GovernanceSettings, readonly [string, number, number]>;

function governanceFlags(values: Record<string, unknown>): Partial<GovernanceSettings> {
  const settings: Partial<GovernanceSettings> = {};
  for (const [setting, [flag, min, max]] of Object.entries(GOVERNANCE_FLAGS)) {
    const text = values[flag.slice(2)];
    if (typeof text === "string")
      settings[setting as keyof GovernanceSettings] = integer(flag, text, min, max);
  }
  return settings;
}

/**
 * The settings to deploy: the dev chain's short defaults fill gaps on chain 31337 only. Elsewhere a
 * block count depends on the chain's block time, so the delays and the period must be stated.
 */
function governanceSettings(options: DeployOptions, chainId: number): GovernanceSettings {
  const { settings } = options;
  const missing = (["votingDelay", "votingPeriod", "timelockDelay"] as const).filter(
    (setting) => settings[setting] === undefined,
  );
  if (options.governance && chainId !== DEV_CHAIN_ID && missing.length > 0)
    throw new ConfigInvalidError(
      `governance on chain ${chainId} needs ${missing.map((s) => GOVERNANCE_FLAGS[s][0]).join(", ")} ` +
        "(block counts depend on the chain's block time; --no-governance deploys the registry alone)",
      { details: { key: "governance_settings_required" } },
    );
  return { ...DEV_GOVERNANCE_SETTINGS, ...settings };
}

function integer(option: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw usage(
      `${option} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ""}`,
    );
  return value;
}

function adminAddress(text: string): Address {
  if (!isAddress(text, { strict: false })) throw usage("--admin must be a 20-byte hex address");
  if (isAddressEqual(text, zeroAddress)) throw usage("--admin must not be the zero address");
  return getAddress(text);
}

/** The RPC URL, http(s) as SIGIL_CHAINS requires; never quoted, it may carry an API key. */
function rpcUrl(rpc: string | undefined): string {
  if (rpc === undefined) throw usage("--rpc URL is required");
  let protocol;
  try {
    protocol = new URL(rpc).protocol;
  } catch {
    throw usage("--rpc must be an http(s) URL");
  }
  if (protocol !== "http:" && protocol !== "https:") throw usage("--rpc must be an http(s) URL");
  return rpc;
}

const describe = (error: unknown) =>
  error instanceof Error
    ? ((error as { shortMessage?: string }).shortMessage ?? error.message)
    : String(error);

/** How often receipts and confirmations are polled, in ms: viem's default is 4 s without a block time. */
const POLLING_INTERVAL_MS = 1_000;

async function chainIdOf(publicClient: PublicClient): Promise<number> {
  try {
    return await publicClient.getChainId();
  } catch (error) {
    throw new RpcUnavailableError(`the RPC does not answer eth_chainId: ${describe(error)}`, {
      cause: error,
    });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

interface DeployRun extends Output {
  options: DeployOptions;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

async function deployStack({ options, env, cwd, print, printError }: DeployRun): Promise<number> {
  const rpc = rpcUrl(options.rpc);
  const account = await readDeployerKey(env);
  const transport = http(rpc);
  const chainId = await chainIdOf(createPublicClient({ transport }));
  // Everything that can refuse is checked here, before the first transaction.
  if (options.chainId !== undefined && options.chainId !== chainId)
    throw new ConfigInvalidError(`--chain-id ${options.chainId} but the RPC serves chain ${chainId}`, {
      details: { key: "chain_id_mismatch" },
    });
  refusePublicDevKey(account.address, chainId);
  const settings = governanceSettings(options, chainId);
  const file = recordPath({ cwd, file: options.record, chainId });
  if (!options.force && (await exists(file)))
    throw new ConfigInvalidError(`a deployment record exists at ${file} (--force to overwrite it)`, {
      details: { key: "deployment_record_exists" },
    });

  const name = options.name ?? `chain-${chainId}`;
  const chain = defineChain({
    id: chainId,
    name,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
  });
  const publicClient = createPublicClient({
    chain,
    transport,
    pollingInterval: POLLING_INTERVAL_MS,
  }) as PublicClient;
  const walletClient = createWalletClient({
    account,
    chain,
    transport,
    pollingInterval: POLLING_INTERVAL_MS,
  });
  const admin = options.admin ?? account.address;
  if ((await publicClient.getBalance({ address: account.address })) === 0n)
    throw new Error(`the deployer ${account.address} has no funds on chain ${chainId}`);
  const genesis = await publicClient.getBlock({ blockNumber: 0n });

  printError(
    `sigil deploy: chain ${chainId} (${name}), deployer ${account.address}, admin ${admin}, ` +
      `${options.governance ? "with" : "without"} governance, ${options.confirmations} confirmation(s) per transaction`,
  );
  const stack = await deployAccessStack({
    publicClient,
    walletClient,
    confirmations: Math.max(1, options.confirmations),
    admin,
    governance: options.governance ? settings : false,
  });
  const record = await recordOf({
    publicClient,
    account,
    stack,
    admin,
    options,
    chainId,
    name,
    genesis: genesis.hash,
    settings,
  });
  await writeRecord(file, record);
  for (const [contract, address] of Object.entries(record.contracts))
    printError(`sigil deploy: ${contract} ${address}`);
  printError(`sigil deploy: from block ${record.deployedAtBlock}; record written to ${file}`);
  print(
    JSON.stringify({
      chainId,
      name,
      rpcUrls: [rpc],
      registry: stack.registry,
      fromBlock: Number(stack.deployedAtBlock),
      // Role sync counts blocks after the event's (head - confirmations); viem counts its block too.
      confirmations: Math.max(0, options.confirmations - 1),
    }),
  );
  return 0;
}

interface RecordInputs {
  publicClient: PublicClient;
  account: PrivateKeyAccount;
  stack: AccessStack;
  admin: Address;
  options: DeployOptions;
  chainId: number;
  name: string;
  genesis: Hex;
  settings: GovernanceSettings;
}

/** The deployment record, with each contract's runtime code hash as the chain now serves it. */
async function recordOf(inputs: RecordInputs): Promise<DeploymentRecord> {
  const { publicClient, account, stack, admin, options, chainId, name, genesis, settings } = inputs;
  const { deployedAtBlock, ...addresses } = stack;
  const contracts = Object.entries(addresses) as [ContractName, Address][];
  const codeHashes = Object.fromEntries(
    await Promise.all(
      contracts.map(async ([contract, address]) => {
        const hash = await codeHashOf(publicClient, address);
        if (hash === undefined) throw new Error(`${contract} at ${address} has no code after its deployment`);
        return [contract, hash] as const;
      }),
    ),
  );
  return {
    chainId,
    name,
    genesisHash: genesis,
    deployer: account.address,
    admin,
    contracts: stack.token
      ? { registry: stack.registry, token: stack.token, timelock: stack.timelock, governor: stack.governor }
      : { registry: stack.registry },
    codeHashes,
    governance: options.governance ? settings : false,
    deployedAtBlock: deployedAtBlock.toString(),
    confirmations: options.confirmations,
    deployedAt: new Date().toISOString(),
  };
}

interface VerifyRun extends Output {
  options: DeployOptions;
  cwd: string;
}

async function verify({ options, cwd, print, printError }: VerifyRun): Promise<number> {
  const publicClient = createPublicClient({ transport: http(rpcUrl(options.rpc)) }) as PublicClient;
  // Without --record, the default file is named after the chain the RPC serves.
  const chainId = options.record === undefined ? await chainIdOf(publicClient) : 0;
  const file = recordPath({ cwd, file: options.record, chainId });
  const record = await readRecord(file);
  if (!options.json) printError(`sigil deploy --verify: ${file} on chain ${record.chainId}`);
  const checks = await verifyDeployment(publicClient, record);
  const ok = checks.every((check) => check.ok);
  if (options.json) print(JSON.stringify({ ok, checks }));
  else {
    for (const check of checks) print(formatCheck(check));
    print(ok ? `deploy verify: all ${checks.length} checks ok` : "deploy verify: FAILED");
  }
  return ok ? 0 : 1;
}

const formatCheck = ({ check, ok, code, detail }: VerifyCheck) =>
  ok ? `✓ ${check}` : `✗ ${check}: ${detail ?? "failed"} [${code}]`;
