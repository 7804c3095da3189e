import { type RoleEvent, RoleEventKind } from "@sigil/core";
import { getAbiItem, getAddress } from "viem";
import { accessRegistryAbi } from "../abi/generated/AccessRegistry.js";
import type { ChainClient } from "../clients/chain-client.js";
import { toChainError } from "../errors/to-chain-error.js";

/** The AccessRegistry events the follower applies. */
export const ROLE_EVENTS = [
  getAbiItem({ abi: accessRegistryAbi, name: "RoleDefined" }),
  getAbiItem({ abi: accessRegistryAbi, name: "RoleGranted" }),
  getAbiItem({ abi: accessRegistryAbi, name: "RoleRevoked" }),
  getAbiItem({ abi: accessRegistryAbi, name: "ScopeAdded" }),
  getAbiItem({ abi: accessRegistryAbi, name: "ScopeRemoved" }),
] as const;

export interface FetchRoleEventsParameters {
  chain: ChainClient;
  fromBlock: bigint;
  toBlock: bigint;
}

/**
 * Every registry event in `[fromBlock, toBlock]`, in chain order, through `eth_getLogs` (stateless:
 * no server-side filter that a node restart or a load balancer could lose).
 */
export async function fetchRoleEvents({
  chain,
  fromBlock,
  toBlock,
}: FetchRoleEventsParameters): Promise<RoleEvent[]> {
  const logs = await chain.client
    .getLogs({ address: chain.config.registry, events: ROLE_EVENTS, fromBlock, toBlock, strict: true })
    .catch((error: unknown) => {
      throw toChainError({
        error,
        chainId: chain.chainId,
        action: `reading registry events of blocks ${fromBlock}-${toBlock}`,
        registry: chain.config.registry,
      });
    });
  const events: RoleEvent[] = [];
  for (const log of logs) {
    if (log.blockHash === null || log.transactionHash === null || log.logIndex === null) continue;
    const where = {
      chainId: chain.chainId,
      blockNumber: log.blockNumber,
      blockHash: log.blockHash,
      txHash: log.transactionHash,
      logIndex: log.logIndex,
    };
    switch (log.eventName) {
      case "RoleDefined":
        events.push({ ...where, kind: RoleEventKind.roleDefined, role: log.args.role, name: log.args.name });
        break;
      case "RoleGranted":
      case "RoleRevoked":
        events.push({
          ...where,
          kind: log.eventName === "RoleGranted" ? RoleEventKind.roleGranted : RoleEventKind.roleRevoked,
          role: log.args.role,
          account: getAddress(log.args.account),
        });
        break;
      case "ScopeAdded":
      case "ScopeRemoved":
        events.push({
          ...where,
          kind: log.eventName === "ScopeAdded" ? RoleEventKind.scopeAdded : RoleEventKind.scopeRemoved,
          role: log.args.role,
          scope: log.args.scope,
        });
        break;
    }
  }
  return events.sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
}
