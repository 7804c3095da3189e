// Contract wallets for signature tests: the SmartWallet factory and its negative twins, raw
// bytecode stand-ins for misbehaving wallets, and SIWE messages and signatures for them.
import { ChainClient } from "@sigil/chain";
import {
  gasBurningFactoryAbi,
  gasBurningFactoryBytecode,
  revertingFactoryAbi,
  revertingFactoryBytecode,
  smartWalletFactoryAbi,
  smartWalletFactoryBytecode,
} from "@sigil/chain/dev";
import { devAccount } from "@sigil/chain/dev";
import { createSiweMessage } from "@sigil/siwe";
import {
  concatHex,
  encodeFunctionData,
  keccak256,
  numberToHex,
  serializeErc6492Signature,
  size,
  stringToBytes,
  zeroAddress,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";

type Wallet = WalletClient<Transport, Chain, Account>;

/** A chain as these helpers need it: a reader and dev-account wallets. */
export interface TestChain {
  url: string;
  publicClient: PublicClient;
  wallet(index: number): Wallet;
}

/** A {@link ChainClient} for `url` as the service would build it. */
export function chainClient(url: string, chainId = 31337, timeoutMs = 2_000): ChainClient {
  return new ChainClient({
    chainId,
    name: `local ${chainId}`,
    rpcUrls: [url],
    registry: zeroAddress,
    timeoutMs,
  });
}

/** A SIWE message in which `address` signs in on `chainId`. */
export function siweMessage(address: Address, chainId = 31337): string {
  return createSiweMessage({
    domain: "app.sigil.test",
    address,
    statement: "Sign in to Sigil",
    uri: "https://app.sigil.test",
    version: "1",
    chainId,
    nonce: "k7Hq2mZp9xW4vT3c",
    issuedAt: "2026-01-01T00:00:00Z",
  });
}

/** `personal_sign` of `message` by dev account `index`. */
export function signAs(index: number, message: string): Promise<Hex> {
  return devAccount(index).signMessage({ message });
}

/** Deploys a contract with no constructor arguments from dev account 0; returns its address. */
export async function deployContract(chain: TestChain, abi: Abi, bytecode: Hex): Promise<Address> {
  const hash = await chain.wallet(0).deployContract({ abi, bytecode, args: [] } as never);
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`deployment ${hash} failed`);
  return receipt.contractAddress;
}

/** The three factories: the real one, one whose deploy reverts, one that burns all gas. */
export async function deployFactories(chain: TestChain) {
  return {
    factory: await deployContract(chain, smartWalletFactoryAbi, smartWalletFactoryBytecode),
    reverting: await deployContract(chain, revertingFactoryAbi, revertingFactoryBytecode),
    burning: await deployContract(chain, gasBurningFactoryAbi, gasBurningFactoryBytecode),
  };
}

export const salt = (label: string): Hex => keccak256(stringToBytes(label));

/** The address `factory` deploys dev account `owner`'s wallet `label` to. */
export function predictWallet(chain: TestChain, factory: Address, owner: number, label: string) {
  return chain.publicClient.readContract({
    address: factory,
    abi: smartWalletFactoryAbi,
    functionName: "predict",
    args: [devAccount(owner).address, salt(label)],
  });
}

/** Deploys dev account `owner`'s wallet `label` (sent by the owner); returns its address. */
export async function deployWallet(chain: TestChain, factory: Address, owner: number, label: string) {
  const hash = await chain.wallet(owner).writeContract({
    address: factory,
    abi: smartWalletFactoryAbi,
    functionName: "deploy",
    args: [devAccount(owner).address, salt(label)],
  });
  await chain.publicClient.waitForTransactionReceipt({ hash });
  return predictWallet(chain, factory, owner, label);
}

/** `signature` wrapped for ERC-6492 with a call to `factory.deploy(owner, salt(label))`. */
export function wrap6492(factory: Address, owner: number, label: string, signature: Hex): Hex {
  const data = encodeFunctionData({
    abi: smartWalletFactoryAbi,
    functionName: "deploy",
    args: [devAccount(owner).address, salt(label)],
  });
  return serializeErc6492Signature({ address: factory, data, signature });
}

/** Runtime bytecode that answers every call by returning `data`, or reverting with it. */
export function answering(data: Hex, { revert = false } = {}): Hex {
  // PUSH2 size DUP1 PUSH2 13 PUSH1 0 CODECOPY PUSH1 0 RETURN|REVERT: 13 bytes, then the data.
  const copy: Hex = "0x8061000d6000396000";
  return concatHex(["0x61", numberToHex(size(data), { size: 2 }), copy, revert ? "0xfd" : "0xf3", data]);
}

/** Runtime bytecode that loops until it has burnt all its gas: JUMPDEST PUSH1 0 JUMP. */
export const LOOPING_CODE: Hex = "0x5b600056";
