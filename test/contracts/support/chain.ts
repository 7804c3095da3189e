// In-process Hardhat network seen through viem, plus the snapshot and time controls tests need.
import hre from "hardhat";
import {
  createPublicClient,
  createWalletClient,
  custom,
  getAddress,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type ContractConstructorArgs,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { hardhat } from "viem/chains";

/** A wallet client bound to one unlocked Hardhat account. */
export type TestWalletClient = WalletClient<Transport, Chain, Account>;

/**
 * Hardhat's in-process provider throws reverts without a JSON-RPC error code, which viem then cannot
 * decode; give them code 3 ("execution reverted") as a node over HTTP would.
 */
const transport = custom({
  async request({ method, params }: { method: string; params?: unknown[] }) {
    try {
      return await hre.network.provider.request({ method, params });
    } catch (error) {
      throw withRevertCode(error);
    }
  },
});

function withRevertCode(error: unknown): unknown {
  if (!(error instanceof Error) || "code" in error) return error;
  const data = (error as { data?: unknown }).data;
  if (typeof data !== "string" || !data.startsWith("0x")) return error;
  return Object.assign(new Error(error.message, { cause: error }), { code: 3, data });
}

/** Reads the in-process chain; no caching, so reads after `evm_revert` see the reverted state. */
export const publicClient: PublicClient = createPublicClient({
  chain: hardhat,
  transport,
  cacheTime: 0,
  pollingInterval: 10,
});

/** The 20 unlocked accounts of Hardhat's default mnemonic, checksummed as viem decodes addresses. */
export async function testAccounts(): Promise<Address[]> {
  const accounts = (await hre.network.provider.request({ method: "eth_accounts" })) as Address[];
  return accounts.map((account) => getAddress(account));
}

/** A wallet client sending transactions from `account` through the node (no local key needed). */
export function walletFor(account: Address): TestWalletClient {
  return createWalletClient({ account, chain: hardhat, transport, pollingInterval: 10 });
}

/** Takes an EVM snapshot; pass the id to {@link revertTo}. */
export async function takeSnapshot(): Promise<Hex> {
  return (await hre.network.provider.request({ method: "evm_snapshot" })) as Hex;
}

/** Restores the chain to `snapshot` (which is consumed). */
export async function revertTo(snapshot: Hex): Promise<void> {
  const reverted = await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
  if (reverted !== true) throw new Error(`evm_revert(${snapshot}) failed`);
}

/**
 * Registers hooks that snapshot before each test and revert after it, so tests share the fixture
 * deployed in `beforeAll` without seeing each other's changes.
 */
export function isolateEachTest(): void {
  let snapshot: Hex | undefined;
  beforeEach(async () => {
    snapshot = await takeSnapshot();
  });
  afterEach(async () => {
    if (snapshot !== undefined) await revertTo(snapshot);
  });
}

/** Mines `blocks` empty blocks. */
export async function mineBlocks(blocks: number): Promise<void> {
  await hre.network.provider.request({ method: "hardhat_mine", params: [`0x${blocks.toString(16)}`] });
}

/** Moves the next block's timestamp `seconds` forward and mines it. */
export async function increaseTime(seconds: number): Promise<void> {
  await hre.network.provider.request({ method: "evm_increaseTime", params: [seconds] });
  await mineBlocks(1);
}

export interface DeployParameters<TAbi extends Abi> {
  abi: TAbi;
  bytecode: Hex;
  args: ContractConstructorArgs<TAbi>;
  from: TestWalletClient;
}

/** Deploys a contract from its generated ABI and bytecode and returns its address. */
export async function deploy<const TAbi extends Abi>({
  abi,
  bytecode,
  args,
  from,
}: DeployParameters<TAbi>): Promise<Address> {
  // The generic args type cannot be narrowed here; the public signature keeps callers type-checked.
  const hash = await from.deployContract({ abi, bytecode, args } as never);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`deployment ${hash} failed`);
  return receipt.contractAddress;
}
