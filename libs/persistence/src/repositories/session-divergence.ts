import type { AccessSnapshot, WalletKind } from "@sigil/core";
import type { DataSource } from "typeorm";

type Hex = `0x${string}`;

/** Live sessions of one account signed in on one chain with one kind of wallet: read and enforced together. */
export interface SessionGroup {
  address: Hex;
  chainId: number;
  walletKind: WalletKind;
}

/** One live session holding a scope a direct read does not allow, and what that read keeps of it. */
export interface SessionDivergence {
  sessionId: string;
  address: Hex;
  chainId: number;
  walletKind: WalletKind;
  held: string[];
  kept: string[];
  /** The sign-in chain's block the read was pinned at. */
  block: { number: string; hash: Hex };
}

/** A group's direct read; `unavailable` names sources that did not answer (the group is then deferred). */
export interface GroupRead {
  group: SessionGroup;
  access: Pick<AccessSnapshot, "scopes" | "block" | "unavailable">;
}

/** Groups' direct reads, keyed by {@link sessionGroupKey}. */
export type GroupReads = ReadonlyMap<string, GroupRead>;

/** The key of a group in {@link GroupReads}. */
export function sessionGroupKey(group: SessionGroup): string {
  return `${group.address}|${group.chainId}|${group.walletKind}`;
}

export interface ListSessionGroupsParameters {
  dataSource: DataSource;
  signInChains: readonly number[];
  /** The last group of the previous page (key order), or none for the first page. */
  after?: SessionGroup;
  limit: number;
  now: Date;
}

/** One page of the groups with a live session on these sign-in chains, in key order. */
export function listSessionGroups({
  dataSource,
  signInChains,
  after = { address: "" as Hex, chainId: -1, walletKind: "" as WalletKind },
  limit,
  now,
}: ListSessionGroupsParameters): Promise<SessionGroup[]> {
  return dataSource.query(
    `SELECT DISTINCT address, chain_id AS "chainId", wallet_kind AS "walletKind" FROM sessions
      WHERE chain_id = ANY($1) AND revoked_at IS NULL AND absolute_expires_at > $2
        AND (address, chain_id, wallet_kind) > ($3, $4, $5)
      ORDER BY address, "chainId", "walletKind" LIMIT $6`,
    [signInChains, now, after.address, after.chainId, after.walletKind, limit],
  );
}

/** The live sessions of the read groups that hold a scope their read does not allow. */
export async function findSessionDivergence({
  dataSource,
  reads,
  now,
}: {
  dataSource: DataSource;
  reads: GroupReads;
  now: Date;
}): Promise<SessionDivergence[]> {
  if (reads.size === 0) return [];
  const groups = [...reads.values()].map(({ group }) => group);
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
    const access = reads.get(sessionGroupKey(row))?.access;
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

/** What a comparison of every live session with direct reads found. */
export interface SessionComparison {
  groupsChecked: number;
  /** Groups a source of which did not answer: not judged, left to the next pass. */
  groupsDeferred: number;
  divergent: SessionDivergence[];
}

export interface CompareSessionsParameters<R extends GroupRead> {
  dataSource: DataSource;
  signInChains: readonly number[];
  pageSize: number;
  now: () => Date;
  /** Direct reads of one page of groups, keyed by {@link sessionGroupKey}. */
  read: (groups: SessionGroup[]) => Promise<ReadonlyMap<string, R>>;
  /** Told of each page's divergent sessions with the reads of their page's answered groups. */
  onDivergent?: (divergent: SessionDivergence[], reads: ReadonlyMap<string, R>) => Promise<void>;
}

/** Pages through the groups with a live session, reads each page and lists the sessions holding too much. */
export async function compareSessions<R extends GroupRead>(
  p: CompareSessionsParameters<R>,
): Promise<SessionComparison> {
  const report: SessionComparison = { groupsChecked: 0, groupsDeferred: 0, divergent: [] };
  let after: SessionGroup | undefined;
  for (;;) {
    const groups = await listSessionGroups({
      dataSource: p.dataSource,
      signInChains: p.signInChains,
      ...(after ? { after } : {}),
      limit: p.pageSize,
      now: p.now(),
    });
    if (groups.length === 0) return report;
    after = groups.at(-1)!;
    const read = await p.read(groups);
    const answered = new Map([...read].filter(([, { access }]) => !access.unavailable?.length));
    report.groupsChecked += answered.size;
    report.groupsDeferred += read.size - answered.size;
    const divergent = await findSessionDivergence({
      dataSource: p.dataSource,
      reads: answered,
      now: p.now(),
    });
    if (divergent.length === 0) continue;
    await p.onDivergent?.(divergent, answered);
    report.divergent.push(...divergent);
  }
}
