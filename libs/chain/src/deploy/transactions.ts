import {
  getAddress,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type ContractConstructorArgs,
  type Hash,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from "viem";
import { TransactionRevertedError } from "./transaction-reverted-error.js";

/** A wallet client that knows its account and chain, so every write can be sent without more context. */
export type DeployWalletClient = WalletClient<Transport, Chain, Account>;

/** The two clients every deployment step needs: one to send, one to wait for receipts. */
export interface DeployClients {
  publicClient: PublicClient;
  walletClient: DeployWalletClient;
  /** Blocks each transaction waits for, its own included (viem's count); default 1. */
  confirmations?: number;
}

/** viem's default wait for a receipt; a deep confirmation count on a slow chain needs longer. */
const RECEIPT_TIMEOUT_MS = 180_000;

/**
 * Waits for `hash` to be mined under `confirmations` blocks (its own included) and throws
 * {@link TransactionRevertedError} unless it succeeded.
 */
export async function confirm(
  publicClient: PublicClient,
  hash: Hash,
  action: string,
  confirmations = 1,
): Promise<TransactionReceipt> {
  const receipt = await publicClient.waitForTransactionReceipt({
    hash,
    confirmations,
    timeout: RECEIPT_TIMEOUT_MS * Math.max(1, confirmations),
  });
  if (receipt.status !== "success") {
    throw new TransactionRevertedError(`${action} reverted (transaction ${hash})`, {
      details: { action, transactionHash: hash, blockNumber: receipt.blockNumber.toString() },
    });
  }
  return receipt;
}

export interface DeployContractParameters<TAbi extends Abi> {
  /** Contract name, for error messages. */
  name: string;
  abi: TAbi;
  bytecode: Hex;
  args: ContractConstructorArgs<TAbi>;
}

/** Where a contract was deployed and in which block. */
export interface DeployedContract {
  address: Address;
  blockNumber: bigint;
}

/** Deploys a contract from its generated ABI and bytecode and waits for a successful receipt. */
export async function deployContract<const TAbi extends Abi>(
  { publicClient, walletClient, confirmations }: DeployClients,
  { name, abi, bytecode, args }: DeployContractParameters<TAbi>,
): Promise<DeployedContract> {
  // viem cannot narrow constructor args through a generic ABI; the signature above keeps callers checked.
  const hash = await walletClient.deployContract({ abi, bytecode, args } as never);
  const receipt = await confirm(publicClient, hash, `deploy ${name}`, confirmations);
  if (!receipt.contractAddress) {
    throw new TransactionRevertedError(`deploy ${name} created no contract (transaction ${hash})`, {
      details: { action: `deploy ${name}`, transactionHash: hash },
    });
  }
  // Nodes differ in the case of `contractAddress`; checksum it so callers can compare addresses as strings.
  return { address: getAddress(receipt.contractAddress), blockNumber: receipt.blockNumber };
}
