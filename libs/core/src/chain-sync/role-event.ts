import type { BlockRef } from "./block-ref.js";
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

/**
 * One log of a policy source (any kind but the chain's own registry) and the accounts it touches;
 * keyed by its chain position like {@link RoleEvent}, so it is recorded and applied once.
 */
export interface PolicyEvent {
  chainId: number;
  blockNumber: bigint;
  blockHash: `0x${string}`;
  txHash: `0x${string}`;
  logIndex: number;
  /** The ids of the policy sources the log speaks for (two sources may share a contract). */
  sources: string[];
  /** Accounts whose answer may have changed. */
  accounts: `0x${string}`[];
  /** Scopes whose every live holder must be re-read. */
  holdersOf?: string[];
  /** A role or ownership was taken away: a session losing a scope ends instead of narrowing. */
  ends?: boolean;
}

/** A contiguous range of blocks read from the chain, with every registry event in it, in order. */
export interface RoleEventBatch {
  chainId: number;
  /** The block the range ends at: the follower's cursor once the batch is applied. */
  to: BlockRef;
  events: RoleEvent[];
  /** Policy sources' events in the range, in chain order (absent: none followed). */
  policyEvents?: PolicyEvent[];
  /** Hashes of blocks in the range the follower saw (the end and every block with an event). */
  blocks: BlockRef[];
}
