// On-chain changes made by tests, and the snapshots that undo them for the next test.
import { accessRegistryAbi } from "@sigil/chain";
import { DevAccountIndex } from "@sigil/chain/dev";
import hre from "hardhat";
import { type Address, type Hex, keccak256, stringToBytes } from "viem";
import type { LocalChain } from "../../fixtures/local-chain.js";

/** `evm_snapshot` of the in-process Hardhat network the suite's chain serves. */
export async function snapshotChain(): Promise<string> {
  return (await hre.network.provider.request({ method: "evm_snapshot", params: [] })) as string;
}

/** `evm_revert` to `id`; fails loudly if Hardhat no longer knows it. */
export async function revertChain(id: string): Promise<void> {
  const reverted = await hre.network.provider.request({ method: "evm_revert", params: [id] });
  if (reverted !== true) throw new Error(`evm_revert(${id}) failed`);
}

/** Runs `work` and then puts the chain back as it was, whatever `work` did or threw. */
export async function withChainSnapshot<T>(work: () => Promise<T>): Promise<T> {
  const id = await snapshotChain();
  try {
    return await work();
  } finally {
    await revertChain(id);
  }
}

/**
 * Defines role `name` in the AccessRegistry (sent by the registry admin, dev account 0), adds
 * `scopes` to it with addScope and grants it to `holder`, each transaction mined and checked.
 */
export async function grantNewRole(
  chain: LocalChain,
  registry: Address,
  p: { name: string; scopes: string[]; holder: Address },
): Promise<Hex> {
  const admin = chain.wallet(DevAccountIndex.admin);
  const role = keccak256(stringToBytes(p.name));
  const send = async (hash: Promise<Hex>) => {
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: await hash });
    if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
  };
  const contract = { address: registry, abi: accessRegistryAbi } as const;
  await send(admin.writeContract({ ...contract, functionName: "defineRole", args: [p.name] }));
  for (const scope of p.scopes) {
    await send(admin.writeContract({ ...contract, functionName: "addScope", args: [role, scope] }));
  }
  await send(admin.writeContract({ ...contract, functionName: "grantRole", args: [role, p.holder] }));
  return role;
}
