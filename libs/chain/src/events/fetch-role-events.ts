import { type NamedPolicySource, type PolicyEvent, type RoleEvent, RoleEventKind } from "@sigil/core";
import {
  decodeEventLog,
  formatLog,
  getAddress,
  isAddressEqual,
  type Log,
  numberToHex,
  type RpcLog,
  toEventSelector,
} from "viem";
import { ROLE_EVENTS } from "../abi/role-events.js";
import type { ChainClient } from "../clients/chain-client.js";
import { toChainError } from "../errors/to-chain-error.js";
import { adapterOf } from "../policy/read-policy.js";

export interface FetchRoleEventsParameters {
  chain: ChainClient;
  fromBlock: bigint;
  toBlock: bigint;
  /** Policy sources on this chain to follow besides its registry (one `eth_getLogs` for all). */
  policySources?: readonly NamedPolicySource[];
}

export interface ChainEvents {
  events: RoleEvent[];
  policyEvents: PolicyEvent[];
}

/** Every registry event in `[fromBlock, toBlock]`, in chain order (see {@link fetchChainEvents}). */
export async function fetchRoleEvents(
  p: Omit<FetchRoleEventsParameters, "policySources">,
): Promise<RoleEvent[]> {
  return (await fetchChainEvents(p)).events;
}

/**
 * Every registry and policy-source event in `[fromBlock, toBlock]`, in chain order, through ONE
 * `eth_getLogs` (stateless: no server-side filter that a node restart or a load balancer could lose).
 */
export async function fetchChainEvents({
  chain,
  fromBlock,
  toBlock,
  policySources = [],
}: FetchRoleEventsParameters): Promise<ChainEvents> {
  const registry = chain.config.registry;
  const addresses = [...new Set([registry, ...policySources.map((source) => source.address)])];
  const topics = [
    ...new Set([
      ...ROLE_EVENTS.map((event) => toEventSelector(event)),
      ...policySources.flatMap((source) => adapterOf(source).events.map((event) => toEventSelector(event))),
    ]),
  ];
  let logs: Log[];
  try {
    const raw = await chain.client.request({
      method: "eth_getLogs",
      params: [
        {
          address: addresses,
          fromBlock: numberToHex(fromBlock),
          toBlock: numberToHex(toBlock),
          topics: [topics],
        },
      ],
    });
    logs = (raw as RpcLog[]).map((log) => formatLog(log));
  } catch (error) {
    throw toChainError({
      error,
      chainId: chain.chainId,
      action: `reading registry and policy events of blocks ${fromBlock}-${toBlock}`,
      registry,
    });
  }
  const events: RoleEvent[] = [];
  const policyEvents: PolicyEvent[] = [];
  for (const log of logs) {
    if (
      log.blockHash === null ||
      log.transactionHash === null ||
      log.logIndex === null ||
      log.blockNumber === null
    )
      continue;
    const where = {
      chainId: chain.chainId,
      blockNumber: log.blockNumber,
      blockHash: log.blockHash,
      txHash: log.transactionHash,
      logIndex: log.logIndex,
    };
    if (isAddressEqual(log.address, registry)) {
      const event = toRoleEvent(log, where);
      if (event) events.push(event);
    }
    const event = toPolicyEvent(log, where, policySources);
    if (event) policyEvents.push(event);
  }
  return { events: events.sort(byPosition), policyEvents: policyEvents.sort(byPosition) };
}

type Where = Pick<RoleEvent, "chainId" | "blockNumber" | "blockHash" | "txHash" | "logIndex">;

/** One event per log: sources sharing a contract merge what the log touches (a log is recorded once). */
function toPolicyEvent(
  log: Log,
  where: Where,
  policySources: readonly NamedPolicySource[],
): PolicyEvent | undefined {
  const sources: string[] = [];
  const accounts = new Set<`0x${string}`>();
  const holdersOf = new Set<string>();
  let ends = false;
  for (const source of policySources) {
    const touched = adapterOf(source).touched({ source, log });
    if (!touched) continue;
    sources.push(source.id);
    for (const account of touched.accounts) accounts.add(account);
    for (const scope of touched.holdersOf ?? []) holdersOf.add(scope);
    ends ||= touched.ends === true;
  }
  if (sources.length === 0) return undefined;
  return {
    ...where,
    sources,
    accounts: [...accounts],
    ...(holdersOf.size > 0 ? { holdersOf: [...holdersOf] } : {}),
    ...(ends ? { ends: true } : {}),
  };
}

function toRoleEvent(log: Log, where: Where): RoleEvent | undefined {
  let decoded;
  try {
    decoded = decodeEventLog({ abi: ROLE_EVENTS, data: log.data, topics: log.topics, strict: true });
  } catch {
    return undefined;
  }
  switch (decoded.eventName) {
    case "RoleDefined":
      return { ...where, kind: RoleEventKind.roleDefined, role: decoded.args.role, name: decoded.args.name };
    case "RoleGranted":
    case "RoleRevoked":
      return {
        ...where,
        kind: decoded.eventName === "RoleGranted" ? RoleEventKind.roleGranted : RoleEventKind.roleRevoked,
        role: decoded.args.role,
        account: getAddress(decoded.args.account),
      };
    case "ScopeAdded":
    case "ScopeRemoved":
      return {
        ...where,
        kind: decoded.eventName === "ScopeAdded" ? RoleEventKind.scopeAdded : RoleEventKind.scopeRemoved,
        role: decoded.args.role,
        scope: decoded.args.scope,
      };
  }
}

function byPosition(a: Where, b: Where): number {
  return a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1;
}
