import type pg from "pg";
import type { DataSource } from "typeorm";

/** A statement Postgres parses and plans once per connection and then runs by name. */
export interface PreparedStatement {
  /** Unique per text: node-postgres refuses one name for two texts on a connection. */
  readonly name: string;
  readonly text: string;
}

/**
 * Runs `statement` as a named prepared statement on a connection of the data source's own pool
 * (the `pg` pool TypeORM holds, so limits and timeouts are shared; embedded PGlite included).
 * For the hot path only: planning the sign-in statement cost about as much Postgres CPU as
 * running it. Errors are node-postgres errors, not TypeORM's `QueryFailedError`, and TypeORM's
 * query logging does not see these statements. Behind PgBouncer in transaction mode this needs
 * PgBouncer ≥ 1.21 with `max_prepared_statements` set.
 */
export async function runPrepared<Row>(
  dataSource: DataSource,
  statement: PreparedStatement,
  values: readonly unknown[],
): Promise<Row[]> {
  const pool = (dataSource.driver as unknown as { master?: pg.Pool }).master;
  if (!pool) throw new Error("runPrepared needs an initialized Postgres data source");
  // Not pool.query(): it discards the connection after any error, a refused row included, and on
  // embedded PGlite (one in-process backend) the next connection then reads the discarded one's
  // leftover protocol messages ("Connection terminated unexpectedly"). A statement's own error
  // (a SQLSTATE other than a connection's) leaves the connection usable, so it goes back to the pool.
  // Like pool.query(), listen for the connection's own "error" while it is checked out: a
  // connection that drops mid-query emits one, which with no listener would end the process.
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken ??= error);
  client.on("error", onError);
  try {
    const result = await client.query({ name: statement.name, text: statement.text, values: [...values] });
    return result.rows as Row[];
  } catch (error) {
    if (!isStatementError(error)) broken ??= error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
}

/**
 * An error of the statement, after which its connection is still good: one with a SQLSTATE, except
 * class 08 (connection exception) and 57P01–57P03 (the server ending or refusing the session).
 */
function isStatementError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57P0[1-3])/.test(code);
}
