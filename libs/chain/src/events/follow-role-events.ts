import type { BlockRef, NamedPolicySource, RoleEventStore } from "@sigil/core";
import type { ChainClient } from "../clients/chain-client.js";
import { fetchChainEvents } from "./fetch-role-events.js";
import { readBlockLinks, readHeadNumber } from "./read-block-hashes.js";

export interface FollowRoleEventsParameters {
  chain: ChainClient;
  store: RoleEventStore;
  /** Blocks a block must be buried under before its events are applied (0: at once). */
  confirmations: number;
  /** First block to read when the store has no position yet (the registry's deployment block). */
  fromBlock: bigint;
  /** Most blocks one `eth_getLogs` covers. */
  maxRange: number;
  /** Most ranges applied in one call, so catching up yields between ranges (default 10). */
  maxBatches?: number;
  /** Policy sources on this chain followed with the registry (their logs become `policyEvents`). */
  policySources?: readonly NamedPolicySource[];
  /** Seen blocks searched for the fork point of a reorg; deeper reorgs re-index (default 256). */
  reorgSearchDepth?: number;
}

export interface FollowRoleEventsResult {
  /** The chain's newest block number when the call started. */
  head: bigint;
  /** The store's position after the call. */
  position: BlockRef | undefined;
  /** Events recorded for the first time. */
  applied: number;
  /** Whether a reorg below the position was found and rewound. */
  rewound: boolean;
  /** Blocks between the position and the newest block old enough to apply. */
  lag: bigint;
}

/**
 * One step of the chain follower: detect a reorg below the stored position (and rewind to the fork
 * point), then apply registry events in bounded `eth_getLogs` ranges up to `head - confirmations`.
 * Each range is applied only if its first block still extends the position and its last block did
 * not change while the logs were read, so a range never mixes two forks.
 */
export async function followRoleEvents(p: FollowRoleEventsParameters): Promise<FollowRoleEventsResult> {
  const { chain, store } = p;
  const chainId = chain.chainId;
  const head = await readHeadNumber(chain);
  const target = head - BigInt(p.confirmations);
  let position = (await store.position(chainId))?.block;
  let rewound = false;

  if (position) {
    const [canonical] = await readBlockLinks(chain, [position.number]);
    if (canonical?.hash !== position.hash) {
      position = await findForkPoint(p, position.number);
      await store.rewind(chainId, position);
      rewound = true;
    }
  }

  let applied = 0;
  for (let batch = 0; batch < (p.maxBatches ?? 10); batch += 1) {
    const from = position ? position.number + 1n : p.fromBlock;
    if (from > target) break;
    const to = minBigint(target, from + BigInt(p.maxRange) - 1n);
    const links = await readBlockLinks(chain, from === to ? [to] : [from, to]);
    const first = links.find((link) => link.number === from);
    const last = links.find((link) => link.number === to);
    // A parent that is not our position: a reorg happened since the check above; the next step sees it.
    if (!first || !last || (position && first.parentHash !== position.hash)) break;
    const { events, policyEvents } = await fetchChainEvents({
      chain,
      fromBlock: from,
      toBlock: to,
      ...(p.policySources ? { policySources: p.policySources } : {}),
    });
    const [after] = await readBlockLinks(chain, [to]);
    if (after?.hash !== last.hash) break;
    const end: BlockRef = { chainId, number: last.number, hash: last.hash };
    const seen = new Map<bigint, BlockRef>([[end.number, end]]);
    for (const event of [...events, ...policyEvents]) {
      seen.set(event.blockNumber, { chainId, number: event.blockNumber, hash: event.blockHash });
    }
    applied += await store.apply({ chainId, to: end, events, policyEvents, blocks: [...seen.values()] });
    position = end;
  }
  const reached = position?.number ?? p.fromBlock - 1n;
  return { head, position, applied, rewound, lag: target > reached ? target - reached : 0n };
}

/** The newest seen block that is still canonical, or undefined when none is (re-index). */
async function findForkPoint(p: FollowRoleEventsParameters, below: bigint): Promise<BlockRef | undefined> {
  const seen = await p.store.recentBlocks(p.chain.chainId, below, p.reorgSearchDepth ?? 256);
  const canonical = new Map(
    (
      await readBlockLinks(
        p.chain,
        seen.map((block) => block.number),
      )
    ).map((link) => [link.number, link.hash]),
  );
  return seen.find((block) => canonical.get(block.number) === block.hash);
}

function minBigint(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
