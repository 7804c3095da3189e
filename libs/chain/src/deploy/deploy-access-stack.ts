import { ConfigInvalidError } from "@sigil/core";
import { isAddressEqual, zeroAddress, type Address, type Hex } from "viem";
import {
  accessRegistryAbi,
  accessRegistryBytecode,
  sigilGovernorAbi,
  sigilGovernorBytecode,
  sigilTimelockAbi,
  sigilTimelockBytecode,
  sigilVotesTokenAbi,
  sigilVotesTokenBytecode,
} from "../abi/generated/index.js";
import { confirm, deployContract, type DeployClients } from "./transactions.js";

/** Governor and timelock settings; block counts for voting, seconds for the timelock. */
export interface GovernanceSettings {
  /** Blocks between a proposal and the start of voting. */
  votingDelay: number;
  /** Blocks during which votes are cast. */
  votingPeriod: number;
  /** Share of the vote supply (0-100) that must vote for or abstain. */
  quorumPercent: number;
  /** Seconds between queueing an accepted proposal and executing it. */
  timelockDelay: number;
}

/** Defaults for a local dev chain: short enough to run a whole proposal in a test or a demo. */
export const DEV_GOVERNANCE_SETTINGS: Readonly<GovernanceSettings> = {
  votingDelay: 1,
  votingPeriod: 10,
  quorumPercent: 4,
  timelockDelay: 60,
};

/** Votes minted to the deployer: one million tokens of 18 decimals. */
export const VOTES_TOKEN_SUPPLY = 1_000_000n * 10n ** 18n;

/** What {@link deployAccessStack} deploys and how it wires it. */
export interface DeployAccessStackParameters extends DeployClients {
  /** Holder of the registry's DEFAULT_ADMIN_ROLE besides the timelock; defaults to the wallet's account. */
  admin?: Address;
  /** `false` deploys the registry alone; otherwise settings override {@link DEV_GOVERNANCE_SETTINGS}. */
  governance?: false | Partial<GovernanceSettings>;
}

/** Addresses of the deployed contracts; the governance ones are absent when governance was not deployed. */
export interface AccessStack {
  registry: Address;
  token?: Address;
  timelock?: Address;
  governor?: Address;
  /** Block of the registry deployment: where an event follower starts. */
  deployedAtBlock: bigint;
}

interface Governance {
  token: Address;
  timelock: Address;
  governor: Address;
}

/**
 * Deploys the AccessRegistry and, unless `governance` is `false`, a votes token, timelock and governor.
 * Both `admin` and the timelock hold the registry's DEFAULT_ADMIN_ROLE, so the dev admin account and
 * governance can each act; the governor proposes and cancels on the timelock and anyone may execute.
 * The deployer receives the whole vote supply and delegates it to itself.
 */
export async function deployAccessStack(params: DeployAccessStackParameters): Promise<AccessStack> {
  const deployer = params.walletClient.account.address;
  const admin = params.admin ?? deployer;
  // Granting the zero address and renouncing would leave the registry without a usable admin.
  if (isAddressEqual(admin, zeroAddress)) {
    throw new ConfigInvalidError("the registry admin must not be the zero address", {
      details: { key: "admin" },
    });
  }
  // The deployer is the first admin so it can also grant the timelock before handing over to `admin`.
  const registry = await deployContract(params, {
    name: "AccessRegistry",
    abi: accessRegistryAbi,
    bytecode: accessRegistryBytecode,
    args: [deployer],
  });
  const governance =
    params.governance === false
      ? undefined
      : await deployGovernance(params, { ...DEV_GOVERNANCE_SETTINGS, ...params.governance });
  if (governance) await grantRegistryAdmin(params, registry.address, governance.timelock);
  if (!isAddressEqual(admin, deployer)) {
    await grantRegistryAdmin(params, registry.address, admin);
    await renounceRegistryAdmin(params, registry.address);
  }
  return { registry: registry.address, ...governance, deployedAtBlock: registry.blockNumber };
}

async function deployGovernance(clients: DeployClients, settings: GovernanceSettings): Promise<Governance> {
  const deployer = clients.walletClient.account.address;
  const token = await deployVotesToken(clients);
  // The deployer administers the timelock only until the governor exists, then renounces.
  const timelock = await deployContract(clients, {
    name: "SigilTimelock",
    abi: sigilTimelockAbi,
    bytecode: sigilTimelockBytecode,
    args: [BigInt(settings.timelockDelay), [], [zeroAddress], deployer],
  });
  const governor = await deployContract(clients, {
    name: "SigilGovernor",
    abi: sigilGovernorAbi,
    bytecode: sigilGovernorBytecode,
    args: [
      token,
      timelock.address,
      settings.votingDelay,
      settings.votingPeriod,
      BigInt(settings.quorumPercent),
    ],
  });
  await handTimelockToGovernor(clients, timelock.address, governor.address);
  return { token, timelock: timelock.address, governor: governor.address };
}

async function deployVotesToken(clients: DeployClients): Promise<Address> {
  const { publicClient, walletClient, confirmations } = clients;
  const deployer = walletClient.account.address;
  const token = await deployContract(clients, {
    name: "SigilVotesToken",
    abi: sigilVotesTokenAbi,
    bytecode: sigilVotesTokenBytecode,
    args: [deployer, VOTES_TOKEN_SUPPLY],
  });
  // ERC20Votes counts only delegated balances: without this the deployer could not vote.
  const hash = await walletClient.writeContract({
    address: token.address,
    abi: sigilVotesTokenAbi,
    functionName: "delegate",
    args: [deployer],
  });
  await confirm(publicClient, hash, "SigilVotesToken.delegate", confirmations);
  return token.address;
}

async function handTimelockToGovernor(clients: DeployClients, timelock: Address, governor: Address) {
  const read = (functionName: "PROPOSER_ROLE" | "CANCELLER_ROLE" | "DEFAULT_ADMIN_ROLE") =>
    clients.publicClient.readContract({ address: timelock, abi: sigilTimelockAbi, functionName });
  const [proposer, canceller, admin] = await Promise.all([
    read("PROPOSER_ROLE"),
    read("CANCELLER_ROLE"),
    read("DEFAULT_ADMIN_ROLE"),
  ]);
  await timelockRoleCall(clients, timelock, "grantRole", proposer, governor);
  await timelockRoleCall(clients, timelock, "grantRole", canceller, governor);
  await timelockRoleCall(clients, timelock, "renounceRole", admin, clients.walletClient.account.address);
}

async function timelockRoleCall(
  { publicClient, walletClient, confirmations }: DeployClients,
  timelock: Address,
  functionName: "grantRole" | "renounceRole",
  role: Hex,
  account: Address,
): Promise<void> {
  const hash = await walletClient.writeContract({
    address: timelock,
    abi: sigilTimelockAbi,
    functionName,
    args: [role, account],
  });
  await confirm(publicClient, hash, `SigilTimelock.${functionName}`, confirmations);
}

async function grantRegistryAdmin(
  { publicClient, walletClient, confirmations }: DeployClients,
  registry: Address,
  account: Address,
): Promise<void> {
  const hash = await walletClient.writeContract({
    address: registry,
    abi: accessRegistryAbi,
    functionName: "grantRole",
    args: [DEFAULT_ADMIN_ROLE, account],
  });
  await confirm(publicClient, hash, "AccessRegistry.grantRole(DEFAULT_ADMIN_ROLE)", confirmations);
}

async function renounceRegistryAdmin(
  { publicClient, walletClient, confirmations }: DeployClients,
  registry: Address,
) {
  const hash = await walletClient.writeContract({
    address: registry,
    abi: accessRegistryAbi,
    functionName: "renounceRole",
    args: [DEFAULT_ADMIN_ROLE, walletClient.account.address],
  });
  await confirm(publicClient, hash, "AccessRegistry.renounceRole(DEFAULT_ADMIN_ROLE)", confirmations);
}

const DEFAULT_ADMIN_ROLE: Hex = `0x${"00".repeat(32)}`;
