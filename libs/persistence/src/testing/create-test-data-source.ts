import { randomBytes } from "node:crypto";
import pg from "pg";
import type { DataSource } from "typeorm";
import { createDataSource } from "../data-source/create-data-source.js";
import { describeDatabase } from "../data-source/describe-database.js";
import { runMigrations } from "../data-source/run-migrations.js";

/** A migrated database private to one test suite; `destroy` closes it and drops what it created. */
export interface TestDataSource {
  dataSource: DataSource;
  kind: "postgres" | "pglite";
  destroy(): Promise<void>;
}

export interface TestDataSourceOptions {
  /** Run every migration before returning (default true); false gives an empty schema. */
  migrate?: boolean;
}

/**
 * For tests only (suites import it from `test/fixtures/database.ts`).
 * With `TEST_DATABASE_URL` set: a fresh `sigil_test_<random>` database on that server, so parallel
 * Jest workers never share one, dropped again by `destroy`. Without it: an in-memory PGlite.
 */
export async function createTestDataSource({
  migrate = true,
}: TestDataSourceOptions = {}): Promise<TestDataSource> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return open(createDataSource({}), migrate, async () => {});

  const name = `sigil_test_${randomBytes(8).toString("hex")}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  // FORCE ends connections a failed test may have leaked, so the drop never blocks.
  const drop = () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  return open(createDataSource({ url: url.toString() }), migrate, drop);
}

async function open(dataSource: DataSource, migrate: boolean, dropDatabase: () => Promise<void>) {
  try {
    await dataSource.initialize();
    if (migrate) await runMigrations(dataSource);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await dropDatabase();
    throw error;
  }
  const destroy = async () => {
    try {
      if (dataSource.isInitialized) await dataSource.destroy();
    } finally {
      await dropDatabase();
    }
  };
  return { dataSource, kind: describeDatabase(dataSource).kind, destroy };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
