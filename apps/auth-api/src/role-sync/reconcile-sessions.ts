import { type ChainClient, readLatestBlock } from "@sigil/chain";
import {
  findSessionDivergence,
  listSessionGroups,
  type SessionDivergence,
  type SessionGroup,
  sessionGroupKey,
} from "@sigil/persistence";
import type { DataSource } from "typeorm";
import type { ChainSessionEffects } from "./chain-session-effects.js";

export type { SessionDivergence };

/** Session groups read per page: bounds memory and the reads in flight on a large table. */
export const SESSION_RECONCILE_PAGE_SIZE = 500;

/** What a session reconciliation compared, and which sessions it found (and narrowed) holding too much. */
export interface SessionReconciliationReport {
  chainId: number;
  groupsChecked: number;
  /** Groups left to the next pass: a source on another chain did not answer, so its scopes may yet hold. */
  groupsDeferred: number;
  divergent: SessionDivergence[];
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
  const report: SessionReconciliationReport = {
    chainId: chain.chainId,
    groupsChecked: 0,
    groupsDeferred: 0,
    divergent: [],
  };
  let after: SessionGroup | undefined;
  for (;;) {
    const groups = await listSessionGroups({
      dataSource,
      signInChains: effects.signInChains,
      ...(after ? { after } : {}),
      limit: pageSize,
      now: now(),
    });
    if (groups.length === 0) return report;
    after = groups.at(-1)!;
    const block = { chainId: chain.chainId, ...(await readLatestBlock(chain)) };
    const read = await effects.readAll(groups, block);
    const answered = new Map([...read].filter(([, { access }]) => !access.unavailable));
    report.groupsChecked += answered.size;
    report.groupsDeferred += read.size - answered.size;
    const divergent = await findSessionDivergence({ dataSource, reads: answered, now: now() });
    if (divergent.length === 0) continue;
    const keys = new Set(divergent.map(sessionGroupKey));
    const narrowing = new Map([...answered].filter(([key]) => keys.has(key)));
    // Locks, re-checks and narrows each divergent group; a role revocation is the follower's to judge.
    await dataSource.transaction((manager) =>
      effects.enforce(manager, { access: narrowing, roleRevoked: new Set() }),
    );
    report.divergent.push(...divergent);
  }
}
