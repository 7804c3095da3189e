import { accessRegistryAbi } from "@sigil/chain";
import { DevAccountIndex } from "@sigil/chain/dev";
import { type Address, type Hex, keccak256, stringToBytes, type TransactionReceipt } from "viem";
import type { LocalChain } from "../../fixtures/local-chain.js";

/** Role id of a role name, as the registry computes it. */
export const roleId = (name: string): Hex => keccak256(stringToBytes(name));

/** The registry admin (dev account 0) changing roles directly, each call mined before it returns. */
export function registryAdmin(chain: LocalChain, registry: Address) {
  const admin = chain.wallet(DevAccountIndex.admin);
  const send = async (
    functionName: "grantRole" | "revokeRole" | "addScope" | "removeScope",
    args: [Hex, never],
  ) => {
    const hash = await admin.writeContract({
      address: registry,
      abi: accessRegistryAbi,
      functionName,
      args,
    } as never);
    const receipt: TransactionReceipt = await chain.publicClient.waitForTransactionReceipt({
      hash,
      pollingInterval: 10,
    });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
    return receipt;
  };
  return {
    grantRole: (role: string, account: Address) => send("grantRole", [roleId(role), account as never]),
    revokeRole: (role: string, account: Address) => send("revokeRole", [roleId(role), account as never]),
    addScope: (role: string, scope: string) => send("addScope", [roleId(role), scope as never]),
    removeScope: (role: string, scope: string) => send("removeScope", [roleId(role), scope as never]),
  };
}
