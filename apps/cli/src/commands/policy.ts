import {
  adapterOf,
  type ChainClient,
  ChainClients,
  type PolicySourceAdapter,
  readLatestBlock,
  readPolicy,
} from "@sigil/chain";
import {
  type BlockRef,
  type ConditionFailure,
  ConfigInvalidError,
  explainPolicy,
  isSigilError,
  type NamedPolicySource,
  type RuleExplanation,
  type ScopeProvenance,
  type ScopeSource,
  scopeSource,
  type SourceReading,
  type WalletKind,
} from "@sigil/core";
import {
  type AbiEvent,
  type Address,
  decodeEventLog,
  getAddress,
  isAddress,
  type Log,
  toEventSelector,
} from "viem";
import { type CliChains, cliChains } from "../config/cli-chains.js";

/** sysexits(3) EX_CONFIG: the configuration (here, the policy file) is invalid. */
export const EXIT_CONFIG = 78;

/** Any account stands for "someone" in the sample read; the zero address makes ERC-721 revert by design. */
const SAMPLE_ACCOUNT = getAddress("0x000000000000000000000000000000000000dEaD");

export interface PolicyCommandParameters {
  env?: NodeJS.ProcessEnv;
  json?: boolean;
  print?: (line: string) => void;
  printError?: (line: string) => void;
}

/** Why a source failed `sigil policy check` (stable codes), or any Sigil error code (`rpc_unavailable`). */
export type SourceCheckCode =
  "source_no_code" | "source_interface_mismatch" | "source_events_mismatch" | (string & {});

/** One source's line of the check report. */
export interface SourceCheck {
  source: string;
  kind: NamedPolicySource["kind"];
  chainId: number;
  address: Address;
  ok: boolean;
  code?: SourceCheckCode;
  message?: string;
  /** The latest block the source was checked at. */
  block?: { number: string; hash: `0x${string}` };
  /** The source's followed events found in the scanned range, all decoded. */
  logs?: { fromBlock: string; toBlock: string; followed: number };
}

/**
 * `sigil policy check`: validates the policy file (exit 78 listing every bad field), then checks every
 * source against its chain at the latest block: the contract has code, answers the adapter's interface
 * and a sample read, and the logs of the events it follows (over the chain's `logRange`) decode.
 * Returns the exit code: 0 only when every source passes.
 */
export async function policyCheck(p: PolicyCommandParameters = {}): Promise<number> {
  const { print = console.log } = p;
  const loaded = await loadPolicy(p);
  if (typeof loaded === "number") return loaded;
  const clients = new ChainClients(loaded.chains);
  const heads = new Map(clients.all().map((chain) => [chain.chainId, readLatestBlock(chain)] as const));
  const checks = await Promise.all(
    Object.values(loaded.policy.sources).map((source) =>
      checkPolicySource({ chain: clients.get(source.chain), source, head: heads.get(source.chain)! }),
    ),
  );
  const ok = checks.every((check) => check.ok);
  if (p.json) print(JSON.stringify({ ok, sources: checks }, null, 2));
  else {
    for (const check of checks) print(checkLine(check));
    print(ok ? `policy check: all ${checks.length} sources ok` : "policy check: FAILED");
  }
  return ok ? 0 : 1;
}

export async function checkPolicySource(p: {
  chain: ChainClient;
  source: NamedPolicySource;
  head: Promise<Omit<BlockRef, "chainId">>;
}): Promise<SourceCheck> {
  const { chain, source } = p;
  const line: SourceCheck = {
    source: source.id,
    kind: source.kind,
    chainId: source.chain,
    address: source.address,
    ok: false,
  };
  const adapter = adapterOf(source) as PolicySourceAdapter;
  const fail = (code: SourceCheckCode, message: string): SourceCheck => ({ ...line, code, message });
  try {
    const head = await p.head;
    line.block = { number: head.number.toString(), hash: head.hash };
    const code = await chain.client.getCode({ address: source.address, blockNumber: head.number });
    if (code === undefined || code === "0x") {
      return fail("source_no_code", `no contract at ${source.address} at block ${head.number}`);
    }
    await adapter.check({ chain, source });
    await adapter.read({
      chain,
      source,
      account: SAMPLE_ACCOUNT,
      block: { chainId: chain.chainId, ...head },
      now: new Date(),
    });
    const fromBlock = maxBigInt(0n, head.number - BigInt(chain.config.logRange ?? 1_000) + 1n);
    const logs = await chain.client.getLogs({ address: source.address, fromBlock, toBlock: head.number });
    const selectors = new Set(adapter.events.map((event) => toEventSelector(event)));
    const followed = logs.filter((log) => log.topics[0] !== undefined && selectors.has(log.topics[0]));
    const undecoded = followed.filter((log) => !decodes(log, adapter.events));
    line.logs = {
      fromBlock: fromBlock.toString(),
      toBlock: head.number.toString(),
      followed: followed.length,
    };
    if (undecoded.length > 0) {
      return fail(
        "source_events_mismatch",
        `${undecoded.length} of ${followed.length} logs with the topic of a followed event do not decode as ` +
          `the ${source.kind} source's events (first in transaction ${undecoded[0]!.transactionHash})`,
      );
    }
    return { ...line, ok: true };
  } catch (error) {
    if (!isSigilError(error)) throw error;
    return error.code === "policy_source_unavailable"
      ? fail("source_interface_mismatch", error.message)
      : fail(error.code, error.message);
  }
}

/** A log decodes strictly as one of the events sharing its selector (Safe lists two shapes of one event). */
function decodes(log: Log, events: readonly AbiEvent[]): boolean {
  return events.some((event) => {
    if (toEventSelector(event) !== log.topics[0]) return false;
    try {
      decodeEventLog({ abi: [event], topics: log.topics, data: log.data, strict: true });
      return true;
    } catch {
      return false;
    }
  });
}

function checkLine(check: SourceCheck): string {
  const where = `${check.source} (${check.kind}, chain ${check.chainId}, ${check.address})`;
  if (!check.ok) return `FAIL ${where} [${check.code}]: ${check.message}`;
  return (
    `ok   ${where}: code, interface and a sample read at block ${check.block!.number}; ` +
    `${check.logs!.followed} followed log(s) decode in blocks ${check.logs!.fromBlock}-${check.logs!.toBlock}`
  );
}

export interface PolicyExplainParameters extends PolicyCommandParameters {
  address: string;
  /** The sign-in chain; defaults to the first configured chain. */
  chainId?: number;
  /** `eoa` or `contract`; defaults to what the address is on the sign-in chain (code or none). */
  wallet?: string;
}

/** `sigil policy explain --json`: rules, sources and blocks behind an account's scopes. */
export interface PolicyExplanation {
  address: Address;
  signInChainId: number;
  walletKind: WalletKind;
  /** The latest block read on each chain the policy touched. */
  blocks: { chainId: number; number: string; hash: `0x${string}` }[];
  scopes: string[];
  /** Per allowed scope: the shape of AccessSnapshot `provenance` and of a grant row's record. */
  provenance: Record<string, ScopeProvenance>;
  rules: RuleExplanation[];
  sources: (ScopeSource & { applies: boolean; holds: boolean; unavailable?: boolean; roles?: string[] })[];
}

/**
 * `sigil policy explain <address>`: reads the policy for the account at each chain's latest block, as a
 * sign-in would, and prints which rules grant which scopes from which sources (with blocks), and why
 * the others fail. Returns the exit code (78 for a bad policy file).
 */
export async function policyExplain(p: PolicyExplainParameters): Promise<number> {
  const { print = console.log } = p;
  if (!isAddress(p.address, { strict: false })) throw new Error(`not an address: ${p.address}`);
  if (p.wallet !== undefined && p.wallet !== "eoa" && p.wallet !== "contract") {
    throw new Error(`--wallet must be eoa or contract, not "${p.wallet}"`);
  }
  if (p.chainId !== undefined && !(Number.isSafeInteger(p.chainId) && p.chainId > 0)) {
    throw new Error("--chain must be a chain id (a positive integer)");
  }
  const loaded = await loadPolicy(p);
  if (typeof loaded === "number") return loaded;
  const clients = new ChainClients(loaded.chains);
  const signInChainId = p.chainId ?? loaded.chains[0]!.chainId;
  const account = getAddress(p.address);
  const walletKind = await walletKindOf(clients.get(signInChainId), account, p.wallet);
  const { readings, evaluation, blocks } = await readPolicy({
    policy: loaded.policy,
    account,
    signInChainId,
    walletKind,
    chain: (id) => clients.get(id),
    blockOf: readLatestBlock,
    now: new Date(),
  });
  const explanation: PolicyExplanation = {
    address: account,
    signInChainId,
    walletKind,
    blocks: [...blocks.values()].map((block) => ({
      chainId: block.chainId,
      number: block.number.toString(),
      hash: block.hash,
    })),
    scopes: evaluation.scopes,
    provenance: evaluation.provenance,
    rules: explainPolicy({ policy: loaded.policy, readings }),
    sources: Object.keys(loaded.policy.sources).map((id) => sourceLine(readings[id]!)),
  };
  if (p.json) print(JSON.stringify(explanation, null, 2));
  else for (const line of explainLines(explanation)) print(line);
  return 0;
}

async function walletKindOf(chain: ChainClient, account: Address, wallet?: string): Promise<WalletKind> {
  if (wallet === "eoa") return "eoa";
  if (wallet === "contract") return "eip1271";
  const code = await chain.client.getCode({ address: account });
  return code === undefined || code === "0x" ? "eoa" : "eip1271";
}

function sourceLine(reading: SourceReading): PolicyExplanation["sources"][number] {
  return {
    ...scopeSource(reading),
    applies: reading.applies,
    holds: reading.applies && reading.answer.holds,
    ...(reading.unavailable ? { unavailable: true } : {}),
    ...(reading.answer.roles ? { roles: reading.answer.roles.map((role) => role.name) } : {}),
  };
}

function explainLines(e: PolicyExplanation): string[] {
  const sources = new Map(e.sources.map((source) => [source.source, source]));
  const at = (id: string) => {
    const s = sources.get(id)!;
    return `${id} (${s.kind}, chain ${s.chainId}, ${s.address}) at block ${s.blockNumber} ${s.blockHash}`;
  };
  const wallet = e.walletKind === "eoa" ? "an EOA" : "a contract wallet";
  const lines = [`${e.address} signing in on chain ${e.signInChainId} as ${wallet}`];
  for (const block of e.blocks) lines.push(`  chain ${block.chainId}: block ${block.number} ${block.hash}`);
  for (const rule of e.rules) {
    if (rule.holds) {
      lines.push(
        `rule ${rule.rule}: grants ${rule.scopes.join(" ") || "nothing (no listed scope conferred)"}`,
      );
      for (const id of rule.sources) lines.push(`  from ${at(id)}`);
    } else {
      lines.push(`rule ${rule.rule}: does not hold`);
      for (const failed of rule.failed) lines.push(`  ${failed.at}: ${failureText(failed.failure, at)}`);
    }
  }
  lines.push(`scopes: ${e.scopes.join(" ") || "(none)"}`);
  for (const [scope, { rule }] of Object.entries(e.provenance)) lines.push(`  ${scope} ← rule ${rule}`);
  return lines;
}

function failureText(failure: ConditionFailure, at: (id: string) => string): string {
  switch (failure.reason) {
    case "source_not_held":
      return `${at(failure.source)} does not hold`;
    case "source_not_applying":
      return `${at(failure.source)} does not apply to this sign-in (its reach)`;
    case "source_unavailable":
      return `${at(failure.source)} did not answer (fail closed)`;
    case "rule_not_held":
      return `rule ${failure.rule} does not hold`;
    case "no_member_held":
      return `none of anyOf holds: ${failure.members.map((member) => failureText(member, at)).join("; ")}`;
  }
}

/** The chains and policy, or exit 78 after printing every problem of an invalid configuration. */
async function loadPolicy(p: PolicyCommandParameters): Promise<CliChains | number> {
  const { env = process.env, printError = console.error } = p;
  try {
    return await cliChains(env);
  } catch (error) {
    if (!(error instanceof ConfigInvalidError)) throw error;
    const problems = (error.details?.problems ?? []) as { path: string; message: string }[];
    if (p.json) printError(JSON.stringify({ error: error.code, message: error.message, problems }, null, 2));
    else {
      printError(`sigil: the configuration is invalid [${error.code}]`);
      for (const line of error.message.split("\n")) printError(`  ${line}`);
    }
    return EXIT_CONFIG;
  }
}

function maxBigInt(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
