import {
  deployAccessStack,
  deployPolicyDemoExternal,
  deployPolicyDemoOz,
  DEV_CHAIN_ID,
  devAccount,
  DevAccountIndex,
  devPassAbi,
  seedDemoRoles,
  TransactionRevertedError,
} from "@sigil/chain/dev";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Address, createWalletClient, type Hex, http, type PublicClient } from "viem";
import { hardhat } from "viem/chains";

/** The policy demo contracts of dev mode (`deployPolicyDemoOz` and `deployPolicyDemoExternal`). */
export interface DevPolicyContracts {
  /** DevPass (ERC-721): the trader and the viewer hold one each. */
  pass: Address;
  pass1155: Address;
  vault: Address;
  manager: Address;
  votesToken: Address;
  /** EAS: the admin attests KYC ({@link kycSchema}) to the trader and the no-role account. */
  eas: Address;
  schemaRegistry: Address;
  kycSchema: Hex;
  kycAttester: Address;
  /** A Safe owned by the admin. */
  safe: Address;
  deployedAtBlock: string;
}

/** What dev mode deployed, kept in `<dataDir>/dev-chain.json`. */
export interface DevDeployment {
  chainId: number;
  genesisHash: Hex;
  registry: Address;
  token?: Address;
  timelock?: Address;
  governor?: Address;
  deployedAtBlock: string;
  /** Absent in records written before dev mode deployed the policy demo. */
  policy?: DevPolicyContracts;
}

/** A dev deployment that includes the policy demo (what {@link ensureDevContracts} returns). */
export type DevDeploymentWithPolicy = DevDeployment & { policy: DevPolicyContracts };

export interface EnsureDevContractsParameters {
  client: PublicClient;
  url: string;
  dataDir: string;
}

export interface EnsuredDevContracts {
  deployment: DevDeploymentWithPolicy;
  /** True when contracts were deployed and seeded now; false when the recorded ones were reused. */
  deployed: boolean;
}

/**
 * Reuses the recorded deployment when the chain is the one it was made on (same genesis hash and
 * the contracts still have code); otherwise deploys the contracts and seeds the demo roles and
 * facts. A record without the policy demo gets it added.
 */
export async function ensureDevContracts({
  client,
  url,
  dataDir,
}: EnsureDevContractsParameters): Promise<EnsuredDevContracts> {
  const file = path.join(dataDir, "dev-chain.json");
  const genesis = await client.getBlock({ blockNumber: 0n });
  const recorded = await readDeployment(file);
  const walletClient = createWalletClient({
    account: devAccount(DevAccountIndex.admin),
    chain: hardhat,
    transport: http(url),
  });
  let deployment: DevDeployment | undefined;
  if (recorded && recorded.genesisHash === genesis.hash && (await hasCode(client, recorded.registry))) {
    if (recorded.policy && (await hasCode(client, recorded.policy.pass))) {
      return { deployment: { ...recorded, policy: recorded.policy }, deployed: false };
    }
    deployment = recorded;
  }
  if (!deployment) {
    // One-block governance periods keep proposal → vote → queue → execute quick on the dev chain.
    const stack = await deployAccessStack({
      publicClient: client,
      walletClient,
      governance: { votingDelay: 1, votingPeriod: 5, quorumPercent: 4, timelockDelay: 1 },
    });
    await seedDemoRoles({
      publicClient: client,
      walletClient,
      registry: stack.registry,
      trader: devAccount(DevAccountIndex.trader).address,
      viewer: devAccount(DevAccountIndex.viewer).address,
    });
    deployment = {
      chainId: DEV_CHAIN_ID,
      genesisHash: genesis.hash,
      registry: stack.registry,
      token: stack.token,
      timelock: stack.timelock,
      governor: stack.governor,
      deployedAtBlock: stack.deployedAtBlock.toString(),
    };
  }
  const complete = { ...deployment, policy: await deployDevPolicyContracts(client, walletClient) };
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(complete, null, 2)}\n`);
  return { deployment: complete, deployed: true };
}

/**
 * Deploys the policy demo and seeds its facts: a DevPass each for the trader and the viewer, a KYC
 * attestation (by the admin) each for the trader and the no-role account.
 */
async function deployDevPolicyContracts(
  publicClient: PublicClient,
  walletClient: Parameters<typeof deployPolicyDemoOz>[0]["walletClient"],
): Promise<DevPolicyContracts> {
  const clients = { publicClient, walletClient };
  const at = (index: number) => devAccount(index).address;
  const oz = await deployPolicyDemoOz({ ...clients, seed: { passHolder: at(DevAccountIndex.viewer) } });
  const mint = await walletClient.writeContract({
    address: oz.pass,
    abi: devPassAbi,
    functionName: "mint",
    args: [at(DevAccountIndex.trader)],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash: mint });
  if (receipt.status !== "success") {
    throw new TransactionRevertedError(`DevPass.mint to the trader reverted (transaction ${mint})`, {
      details: { action: "DevPass.mint", transactionHash: mint },
    });
  }
  const external = await deployPolicyDemoExternal({
    ...clients,
    safeOwners: [at(DevAccountIndex.admin)],
    kyc: { attester: walletClient, recipients: [at(DevAccountIndex.trader), at(DevAccountIndex.noRole)] },
  });
  return {
    pass: oz.pass,
    pass1155: oz.pass1155,
    vault: oz.vault,
    manager: oz.manager,
    votesToken: oz.token,
    eas: external.eas,
    schemaRegistry: external.schemaRegistry,
    kycSchema: external.kycSchema,
    kycAttester: walletClient.account.address,
    safe: external.safe,
    deployedAtBlock: oz.deployedAtBlock.toString(),
  };
}

async function hasCode(client: PublicClient, address: Address): Promise<boolean> {
  const code = await client.getCode({ address });
  return code !== undefined && code !== "0x";
}

/** The recorded dev deployment, or undefined when there is none (or it is unreadable). */
export async function readDeployment(file: string): Promise<DevDeployment | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as DevDeployment;
  } catch {
    return undefined;
  }
}
