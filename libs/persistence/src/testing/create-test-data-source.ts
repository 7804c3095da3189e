import { createHash, randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { DataSource } from "typeorm";
import { createDataSource } from "../data-source/create-data-source.js";
import { describeDatabase } from "../data-source/describe-database.js";
import { runMigrations } from "../data-source/run-migrations.js";
import { PERSISTENCE_MIGRATIONS } from "../migrations/migrations.js";

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
  if (!serverUrl) {
    try {
      return await open(createDataSource({ loadDataDir: await embeddedTemplate(migrate) }), false, none);
    } catch {
      // A template another PGlite version wrote does not open: build it again.
      return open(createDataSource({ loadDataDir: await embeddedTemplate(migrate, true) }), false, none);
    }
  }

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

const none = async () => {};

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A PGlite cluster (migrated or empty) dumped once into the temp folder and shared by every worker:
 * opening a copy skips PGlite's initdb, most of an embedded database's start-up.
 */
async function embeddedTemplate(migrate: boolean, rebuild = false): Promise<Blob> {
  // A suite opening several databases reads the 40 MB file once.
  const known = rebuild ? undefined : templates.get(migrate);
  if (known) return known;
  const template = readOrBuildTemplate(migrate, rebuild);
  templates.set(migrate, template);
  template.catch(() => templates.delete(migrate));
  return template;
}

const templates = new Map<boolean, Promise<Blob>>();

/**
 * Builds both templates ahead of the suites (Jest's global setup calls it): initdb in a suite
 * under a loaded machine once outlasted a 60 s hook timeout.
 */
export async function prepareEmbeddedTemplates(): Promise<void> {
  for (const migrate of [false, true]) await embeddedTemplate(migrate);
}

async function readOrBuildTemplate(migrate: boolean, rebuild: boolean): Promise<Blob> {
  // Keyed on the migrations' code, so a changed schema never reuses a template.
  const sources = PERSISTENCE_MIGRATIONS.map((migration) => migration.toString()).join("\n");
  const key = createHash("sha256").update(`${migrate}:${sources}`).digest("hex").slice(0, 16);
  const file = path.join(tmpdir(), `sigil-pglite-template-${key}.tar`);
  const cached = rebuild ? undefined : await readFile(file).catch(() => undefined);
  if (cached) return new Blob([cached]);
  const dataSource = createDataSource({});
  await dataSource.initialize();
  try {
    if (migrate) await runMigrations(dataSource);
    const dump = await dataSource.dumpEmbedded();
    // Another worker may write the same template at once: each renames a whole file into place.
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    await writeFile(temporary, Buffer.from(await dump.arrayBuffer()));
    await rename(temporary, file);
    return dump;
  } finally {
    await dataSource.destroy();
  }
}
