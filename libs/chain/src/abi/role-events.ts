import { getAbiItem } from "viem";
import { accessRegistryAbi } from "./generated/AccessRegistry.js";

/** The AccessRegistry events the follower applies. */
export const ROLE_EVENTS = [
  getAbiItem({ abi: accessRegistryAbi, name: "RoleDefined" }),
  getAbiItem({ abi: accessRegistryAbi, name: "RoleGranted" }),
  getAbiItem({ abi: accessRegistryAbi, name: "RoleRevoked" }),
  getAbiItem({ abi: accessRegistryAbi, name: "ScopeAdded" }),
  getAbiItem({ abi: accessRegistryAbi, name: "ScopeRemoved" }),
] as const;
