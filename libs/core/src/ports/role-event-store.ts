import type { BlockRef } from "../access/access-snapshot.js";
import type { RoleEventBatch } from "../chain-sync/role-event.js";

/** Where the follower is on one chain: the last block whose events are all applied. */
export interface FollowerPosition {
  chainId: number;
  block: BlockRef;
}

/**
 * Port: the follower's persistent state (implemented by the service over Postgres). `apply` must
 * record the events, their effects and the new position atomically, so a crash never splits them.
 */
export abstract class RoleEventStore {
  /** The position on `chainId`, or undefined before the first batch (start from `fromBlock`). */
  abstract position(chainId: number): Promise<FollowerPosition | undefined>;
  /** Seen block hashes at or below `below`, newest first, at most `limit` of them. */
  abstract recentBlocks(chainId: number, below: bigint, limit: number): Promise<BlockRef[]>;
  /** Applies a batch and moves the position to `batch.to`; returns how many events were new. */
  abstract apply(batch: RoleEventBatch): Promise<number>;
  /**
   * Forgets every event and seen block above `to` (a reorg's fork point) and moves the position
   * back there; `to` undefined forgets the whole chain (re-index from the start).
   */
  abstract rewind(chainId: number, to: BlockRef | undefined): Promise<void>;
}
