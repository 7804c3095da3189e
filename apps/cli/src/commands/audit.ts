import { AuditChainBrokenError } from "@sigil/core";
import { describeDatabase } from "@sigil/persistence";
import { createHash } from "node:crypto";
import type { DataSource } from "typeorm";
import { openCliDatabase } from "../database/open-cli-database.js";

/** Why one audit row fails verification. */
export type AuditBreakKind =
  /** The row's content no longer hashes to its stored hash (edited, or rows swapped). */
  | "hash_mismatch"
  /** prev_hash is not the previous row's hash (a row before it was removed or inserted). */
  | "link_broken"
  /** The chain head names a later row than the last one present (rows removed at the end). */
  | "tail_missing";

/** The first broken row found, and why. */
export interface AuditBreak {
  id: string;
  kind: AuditBreakKind;
}

/** Outcome of {@link verifyAuditChain}: rows checked, the head hash (to anchor elsewhere), any break. */
export interface AuditVerification {
  rows: number;
  headHash: string | null;
  broken: AuditBreak | undefined;
}

interface ChainRow {
  id: string;
  prev_hash: Buffer | null;
  hash: Buffer | null;
  canonical: string;
}

const PAGE = 5_000;

/**
 * Recomputes the audit hash chain row by row, in id order, with Node's SHA-256 over the canonical
 * text the database renders (built-in jsonb functions), and checks each link and the chain head.
 */
export async function verifyAuditChain(dataSource: DataSource): Promise<AuditVerification> {
  let previous: Buffer | null = null;
  let lastId = "0";
  let lastVerified: string | null = null;
  let rows = 0;
  for (;;) {
    // Keyset pages keep memory flat on large logs.
    const page = (await dataSource.query(
      `SELECT id::text AS id, prev_hash, hash,
              audit_event_canonical(id, occurred_at, type, outcome, subject, chain_id, request_id, data) AS canonical
         FROM audit_events WHERE id > $1 ORDER BY audit_events.id LIMIT ${PAGE}`,
      [lastId],
    )) as ChainRow[];
    for (const row of page) {
      const expected: Buffer = createHash("sha256")
        .update(previous ?? Buffer.alloc(0))
        .update(row.canonical, "utf8")
        .digest();
      if (!sameBytes(row.prev_hash, previous)) return broken(rows, previous, row.id, "link_broken");
      if (!sameBytes(row.hash, expected)) return broken(rows, previous, row.id, "hash_mismatch");
      previous = expected;
      lastVerified = row.id;
      rows += 1;
    }
    if (page.length < PAGE) break;
    lastId = page.at(-1)!.id;
  }
  const [head] = (await dataSource.query(`SELECT last_id::text AS last_id, hash FROM audit_chain_head`)) as {
    last_id: string | null;
    hash: Buffer | null;
  }[];
  // The head is written by the same trigger as each row: it must name the last row and its hash.
  if (head && ((head.last_id ?? null) !== lastVerified || !sameBytes(head.hash, previous))) {
    return broken(rows, previous, head.last_id ?? "none", "tail_missing");
  }
  return { rows, headHash: previous?.toString("hex") ?? null, broken: undefined };
}

function broken(rows: number, previous: Buffer | null, id: string, kind: AuditBreakKind): AuditVerification {
  return { rows, headHash: previous?.toString("hex") ?? null, broken: { id, kind } };
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

const DESCRIPTIONS: Record<AuditBreakKind, string> = {
  hash_mismatch: "its content does not match its hash (edited, or moved)",
  link_broken: "its prev_hash does not match the row before it (a row was removed or inserted)",
  tail_missing: "the chain head names a later row (rows were removed from the end)",
};

/**
 * `sigil audit verify`: connects like the other commands (DATABASE_URL, else the dev PGlite under
 * SIGIL_DATA_DIR), verifies the chain, prints the head hash; throws {@link AuditChainBrokenError}.
 */
export async function auditVerify(): Promise<void> {
  const dataSource = await openCliDatabase();
  const { kind, location } = describeDatabase(dataSource);
  try {
    const result = await verifyAuditChain(dataSource);
    if (result.broken) {
      const { id, kind: why } = result.broken;
      throw new AuditChainBrokenError(
        `audit log broken at row ${id}: ${DESCRIPTIONS[why]} (${result.rows} rows before it verified)`,
        { details: { id, kind: why } },
      );
    }
    console.log(`audit log intact: ${result.rows} rows verified in ${kind} ${location}`);
    console.log(`head hash: ${result.headHash ?? "(empty log)"}`);
  } finally {
    await dataSource.destroy();
  }
}
