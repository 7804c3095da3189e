import { type ChainClient, readLatestBlock } from "@sigil/chain";
import type { AccessSnapshot, WalletKind } from "@sigil/core";
import type { DataSource } from "typeorm";
import { type ChainSessionEffects, type SessionGroup, sessionGroupKey } from "./chain-session-effects.js";

type Hex = `0x${string}`;

/** Session groups read per page: bounds memory and the reads in flight on a large table. */
export const SESSION_RECONCILE_PAGE_SIZE = 500;

/** One live session holding a scope a direct read does not allow; it was narrowed to `kept`. */
export interface SessionDivergence {
  sessionId: string;
  address: Hex;
  chainId: number;
  walletKind: WalletKind;
  held: string[];
  kept: string[];
  /** This chain's block the read was pinned at. */
  block: { number: string; hash: Hex };
}

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
  let after: SessionGroup = { address: "" as Hex, chainId: -1, walletKind: "" as WalletKind };
  for (;;) {
    const groups: SessionGroup[] = await dataSource.query(
      `SELECT DISTINCT address, chain_id AS "chainId", wallet_kind AS "walletKind" FROM sessions
        WHERE chain_id = ANY($1) AND revoked_at IS NULL AND absolute_expires_at > $2
          AND (address, chain_id, wallet_kind) > ($3, $4, $5)
        ORDER BY address, "chainId", "walletKind" LIMIT $6`,
      [effects.signInChains, now(), after.address, after.chainId, after.walletKind, pageSize],
    );
    if (groups.length === 0) return report;
    after = groups.at(-1)!;
    const block = { chainId: chain.chainId, ...(await readLatestBlock(chain)) };
    const read = await effects.readAll(groups, block);
    const answered = new Map([...read].filter(([, { access }]) => !access.unavailable));
    report.groupsChecked += answered.size;
    report.groupsDeferred += read.size - answered.size;
    const divergent = await findDivergent(dataSource, answered, now());
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

/** The live sessions of the read groups that hold a scope their read does not allow. */
async function findDivergent(
  dataSource: DataSource,
  read: ReadonlyMap<string, { group: SessionGroup; access: AccessSnapshot }>,
  now: Date,
): Promise<SessionDivergence[]> {
  if (read.size === 0) return [];
  const groups = [...read.values()].map(({ group }) => group);
  const rows: (SessionGroup & { id: string; scopes: string[] })[] = await dataSource.query(
    `SELECT id, address, chain_id AS "chainId", wallet_kind AS "walletKind", scopes FROM sessions
      WHERE address = ANY($1) AND chain_id = ANY($2) AND revoked_at IS NULL AND absolute_expires_at > $3
      ORDER BY address, created_at`,
    [
      [...new Set(groups.map((group) => group.address))],
      [...new Set(groups.map((group) => group.chainId))],
      now,
    ],
  );
  return rows.flatMap((row) => {
    const access = read.get(sessionGroupKey(row))?.access;
    if (!access) return [];
    const allowed = new Set(access.scopes);
    const kept = row.scopes.filter((scope) => allowed.has(scope));
    if (kept.length === row.scopes.length) return [];
    return [
      {
        sessionId: row.id,
        address: row.address,
        chainId: row.chainId,
        walletKind: row.walletKind,
        held: row.scopes,
        kept,
        block: { number: access.block.number.toString(), hash: access.block.hash },
      },
    ];
  });
}
