import { type ChainClient, readLatestBlock } from "@sigil/chain";
import {
  compareSessions,
  type SessionComparison,
  type SessionDivergence,
  sessionGroupKey,
} from "@sigil/persistence";
import type { DataSource } from "typeorm";
import type { ChainSessionEffects } from "./chain-session-effects.js";

export type { SessionDivergence };

/** Session groups read per page: bounds memory and the reads in flight on a large table. */
export const SESSION_RECONCILE_PAGE_SIZE = 500;

/** What a session reconciliation compared, and which sessions it found (and narrowed) holding too much. */
export interface SessionReconciliationReport extends SessionComparison {
  chainId: number;
}

export interface ReconcileSessionsParameters {
  chain: ChainClient;
  dataSource: DataSource;
  /** The follower's effects of this chain: its sign-in chains, its reads and its narrowing path. */
  effects: ChainSessionEffects;
  pageSize?: number;
  now?: () => Date;
}

/**
 * Compares every live session group on the sign-in chains this chain's sources speak for with a
 * direct read now (this chain pinned to its latest block), page by page, and narrows the sessions
 * that hold a scope the read does not allow through the follower's own path (fail closed).
 */
export async function reconcileSessions({
  chain,
  dataSource,
  effects,
  pageSize = SESSION_RECONCILE_PAGE_SIZE,
  now = () => new Date(),
}: ReconcileSessionsParameters): Promise<SessionReconciliationReport> {
  const block = () => readLatestBlock(chain).then((head) => ({ chainId: chain.chainId, ...head }));
  const compared = await compareSessions({
    dataSource,
    signInChains: effects.signInChains,
    pageSize,
    now,
    read: async (groups) => effects.readAll(groups, await block()),
    // Locks, re-checks and narrows each divergent group; a role revocation is the follower's to judge.
    onDivergent: async (divergent, reads) => {
      const keys = new Set(divergent.map(sessionGroupKey));
      const narrowing = new Map([...reads].filter(([key]) => keys.has(key)));
      await dataSource.transaction((manager) =>
        effects.enforce(manager, { access: narrowing, roleRevoked: new Set() }),
      );
    },
  });
  return { chainId: chain.chainId, ...compared };
}
