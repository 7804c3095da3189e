import { runPrepared } from "../queries/prepared-statement.js";
import { createStatementBatcher, type StatementBatcher } from "../queries/statement-batcher.js";
import type { DataSource } from "typeorm";

/** A nonce as stored: bound to an address and chain when a challenge named them. */
export interface NonceRow {
  nonce: string;
  address: string | null;
  chainId: number | null;
  requestedScopes: string[] | null;
  issuedAt: Date;
  expiresAt: Date;
}

/** One nonce (a batch of one, or each of a batch that failed as a whole). */
export const INSERT_NONCE = {
  name: "sigil_insert_nonce_v1",
  text: `INSERT INTO nonces (nonce, address, chain_id, requested_scopes, issued_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
} as const;

/** Several nonces per statement under load: `$1` is a JSON array of rows. */
export const INSERT_NONCES = {
  name: "sigil_insert_nonces_v1",
  text: `INSERT INTO nonces (nonce, address, chain_id, requested_scopes, issued_at, expires_at)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS n(nonce text, address text, chain_id integer,
                                                           requested_scopes text[], issued_at timestamptz,
                                                           expires_at timestamptz)`,
} as const;

/** Stores nonces, several per statement under load (group commit, as logins are recorded). */
export function createNonceWriter(
  dataSource: DataSource,
  onBatch?: (size: number) => void,
): StatementBatcher<NonceRow, void> {
  return createStatementBatcher<NonceRow, void>({
    onBatch,
    runOne: async (n) => {
      await runPrepared(dataSource, INSERT_NONCE, [
        n.nonce,
        n.address,
        n.chainId,
        n.requestedScopes,
        n.issuedAt,
        n.expiresAt,
      ]);
    },
    runBatch: async (rows) => {
      const json = rows.map((n) => ({
        nonce: n.nonce,
        address: n.address,
        chain_id: n.chainId,
        requested_scopes: n.requestedScopes,
        issued_at: n.issuedAt.toISOString(),
        expires_at: n.expiresAt.toISOString(),
      }));
      await runPrepared(dataSource, INSERT_NONCES, [JSON.stringify(json)]);
      return rows.map(() => undefined);
    },
  });
}
