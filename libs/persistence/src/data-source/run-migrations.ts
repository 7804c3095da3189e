import type { DataSource } from "typeorm";
import { describeDatabase } from "./describe-database.js";

/** Advisory lock key of schema migrations (pg_advisory_lock's two-int form, like role sync's). */
const MIGRATIONS_LOCK = "hashtext('sigil:migrations'), 0";

/**
 * Runs pending migrations, each in its own transaction; returns the names applied. On PostgreSQL
 * it holds an advisory lock, so instances and `sigil migrate` started together apply each once.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  // PGlite is one process with one connection: a lock held on it would block the migrations.
  if (describeDatabase(dataSource).kind !== "postgres") return applyPending(dataSource);
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(${MIGRATIONS_LOCK})`);
    try {
      return await applyPending(dataSource);
    } finally {
      await lock.query(`SELECT pg_advisory_unlock(${MIGRATIONS_LOCK})`);
    }
  } finally {
    await lock.release();
  }
}

async function applyPending(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: "each" });
  return applied.map((migration) => migration.name);
}
