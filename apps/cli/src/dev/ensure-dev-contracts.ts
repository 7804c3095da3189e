import {
  deployAccessStack,
  DEV_CHAIN_ID,
  devAccount,
  DevAccountIndex,
  seedDemoRoles,
} from "@sigil/chain/dev";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Address, createWalletClient, type Hex, http, type PublicClient } from "viem";
import { hardhat } from "viem/chains";

/** What dev mode deployed, kept in `<dataDir>/dev-chain.json`. */
export interface DevDeployment {
  chainId: number;
  genesisHash: Hex;
  registry: Address;
  token?: Address;
  timelock?: Address;
  governor?: Address;
  deployedAtBlock: string;
}

export interface EnsureDevContractsParameters {
  client: PublicClient;
  url: string;
  dataDir: string;
}

export interface EnsuredDevContracts {
  deployment: DevDeployment;
  /** True when the contracts were deployed and seeded now; false when the recorded ones were reused. */
  deployed: boolean;
}

/**
 * Reuses the recorded deployment when the chain is the one it was made on (same genesis hash and
 * the registry still has code); otherwise deploys the contracts and seeds the demo roles.
 */
export async function ensureDevContracts({
  client,
  url,
  dataDir,
}: EnsureDevContractsParameters): Promise<EnsuredDevContracts> {
  const file = path.join(dataDir, "dev-chain.json");
  const genesis = await client.getBlock({ blockNumber: 0n });
  const recorded = await readDeployment(file);
  if (recorded && recorded.genesisHash === genesis.hash) {
    const code = await client.getCode({ address: recorded.registry });
    if (code !== undefined && code !== "0x") return { deployment: recorded, deployed: false };
  }
  const walletClient = createWalletClient({
    account: devAccount(DevAccountIndex.admin),
    chain: hardhat,
    transport: http(url),
  });
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
  const deployment: DevDeployment = {
    chainId: DEV_CHAIN_ID,
    genesisHash: genesis.hash,
    registry: stack.registry,
    token: stack.token,
    timelock: stack.timelock,
    governor: stack.governor,
    deployedAtBlock: stack.deployedAtBlock.toString(),
  };
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(deployment, null, 2)}\n`);
  return { deployment, deployed: true };
}

/** The recorded dev deployment, or undefined when there is none (or it is unreadable). */
export async function readDeployment(file: string): Promise<DevDeployment | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as DevDeployment;
  } catch {
    return undefined;
  }
}
