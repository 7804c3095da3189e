import type { DataSource } from "typeorm";

/** Tables whose rows only matter until `expires_at`: SIWE nonces and accepted replay keys. */
const SWEPT = [
  { table: "nonces", key: "nonce" },
  { table: "replay_nonces", key: "key" },
] as const;

export type SweptTable = (typeof SWEPT)[number]["table"];

export interface SweepResult {
  /** False when another instance held the sweep lock, so this one deleted nothing. */
  ran: boolean;
  deleted: Record<SweptTable, number>;
  /** Transactions run (one batch each). */
  batches: number;
}

/**
 * Deletes rows of {@link SWEPT} expired before `now`, `batchSize` per transaction (short locks), each
 * behind `pg_try_advisory_xact_lock`: while another instance sweeps, this one stops at once.
 */
export async function sweepExpiredRows(
  dataSource: DataSource,
  p: { now: Date; batchSize: number },
): Promise<SweepResult> {
  const result: SweepResult = { ran: false, deleted: { nonces: 0, replay_nonces: 0 }, batches: 0 };
  for (const { table, key } of SWEPT) {
    for (;;) {
      const deleted = await dataSource.transaction(async (manager) => {
        const [lock] = (await manager.query(
          `SELECT pg_try_advisory_xact_lock(hashtext('sigil:sweep-expired')) AS locked`,
        )) as { locked: boolean }[];
        if (lock?.locked !== true) return undefined;
        const { affected } = await manager.queryRunner!.query(
          `DELETE FROM ${table} WHERE ${key} IN
             (SELECT ${key} FROM ${table} WHERE expires_at < $1 LIMIT $2)`,
          [p.now, p.batchSize],
          true,
        );
        return affected ?? 0;
      });
      if (deleted === undefined) return result;
      result.ran = true;
      result.batches += 1;
      result.deleted[table] += deleted;
      if (deleted < p.batchSize) break;
    }
  }
  return result;
}
