import { keccak256, stringToBytes, type Address, type TransactionReceipt } from "viem";
import { accessRegistryAbi } from "../abi/generated/index.js";
import { confirm, type DeployClients } from "./transactions.js";

/** One role change on an AccessRegistry, sent by an account that administers the role. */
export interface ChangeRoleParameters extends DeployClients {
  registry: Address;
  action: "grant" | "revoke";
  /** The role's name (`TRADER`); its id is the keccak-256 of the name, as `defineRole` sets it. */
  role: string;
  account: Address;
}

/** Grants or revokes `role` for `account` and waits for the receipt; the chain follower picks up the event. */
export async function changeRole(p: ChangeRoleParameters): Promise<TransactionReceipt> {
  const role = keccak256(stringToBytes(p.role));
  const read = { address: p.registry, abi: accessRegistryAbi } as const;
  if ((await p.publicClient.readContract({ ...read, functionName: "roleName", args: [role] })) === "") {
    throw new Error(`role ${p.role} is not defined in the registry ${p.registry}`);
  }
  const hash = await p.walletClient.writeContract({
    ...read,
    functionName: p.action === "grant" ? "grantRole" : "revokeRole",
    args: [role, p.account],
  });
  return confirm(p.publicClient, hash, `AccessRegistry.${p.action}Role(${p.role}, ${p.account})`);
}
