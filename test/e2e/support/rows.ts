// Direct looks at (and time travel in) the rows the service wrote.
import type { DataSource } from "typeorm";
import type { SigilTestEnvironment } from "../../fixtures/sigil-app.js";

/**
 * Moves every recorded time of a session and its refresh tokens `seconds` into the past: for that
 * session it is exactly as if the clock had advanced by `seconds`. Config minima stay untouched
 * (idle and absolute lifetimes cannot be set under 300 s), and no clock is faked in the process.
 */
export async function ageSession(
  sigil: Pick<SigilTestEnvironment, "database" | "sessionChanged">,
  sessionId: string,
  seconds: number,
): Promise<void> {
  const { dataSource } = sigil.database;
  const shift = `${seconds} seconds`;
  await dataSource.query(
    `UPDATE sessions SET created_at = created_at - $2::interval, last_used_at = last_used_at - $2::interval,
            idle_expires_at = idle_expires_at - $2::interval, absolute_expires_at = absolute_expires_at - $2::interval
      WHERE id = $1`,
    [sessionId, shift],
  );
  await dataSource.query(
    `UPDATE refresh_tokens SET created_at = created_at - $2::interval, expires_at = expires_at - $2::interval,
            used_at = used_at - $2::interval
      WHERE session_id = $1`,
    [sessionId, shift],
  );
  await sigil.sessionChanged(sessionId);
}

/** The text of every row of every table in the service's schema, one row per line, by table. */
export async function dumpAllTables(dataSource: DataSource): Promise<Record<string, string>> {
  const tables: { name: string }[] = await dataSource.query(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const dump: Record<string, string> = {};
  for (const { name } of tables) {
    const rows: { line: string }[] = await dataSource.query(`SELECT t::text AS line FROM "${name}" t`);
    dump[name] = rows.map((row) => row.line).join("\n");
  }
  return dump;
}

/** The session row as stored (snake_case columns). */
export async function sessionRow(
  dataSource: DataSource,
  sessionId: string,
): Promise<Record<string, unknown>> {
  const [row] = await dataSource.query(`SELECT * FROM sessions WHERE id = $1`, [sessionId]);
  return row;
}
