import type { BlockRef } from "../access/access-snapshot.js";
import type { RoleId } from "../roles/role.js";

/** What a registry event did to the role state Sigil follows. */
export const RoleEventKind = {
  roleDefined: "role_defined",
  roleGranted: "role_granted",
  roleRevoked: "role_revoked",
  scopeAdded: "scope_added",
  scopeRemoved: "scope_removed",
} as const;
export type RoleEventKind = (typeof RoleEventKind)[keyof typeof RoleEventKind];

/**
 * One AccessRegistry event, identified by where it happened: (chain, block hash, transaction,
 * log index) is unique, so applying the same range twice records it once.
 */
export interface RoleEvent {
  kind: RoleEventKind;
  chainId: number;
  blockNumber: bigint;
  blockHash: `0x${string}`;
  txHash: `0x${string}`;
  logIndex: number;
  role: RoleId;
  /** role_granted / role_revoked: the checksummed account. */
  account?: `0x${string}`;
  /** scope_added / scope_removed. */
  scope?: string;
  /** role_defined. */
  name?: string;
}

/** A contiguous range of blocks read from the chain, with every registry event in it, in order. */
export interface RoleEventBatch {
  chainId: number;
  /** The block the range ends at: the follower's cursor once the batch is applied. */
  to: BlockRef;
  events: RoleEvent[];
  /** Hashes of blocks in the range the follower saw (the end and every block with an event). */
  blocks: BlockRef[];
}
