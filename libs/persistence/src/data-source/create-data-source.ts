import path from "node:path";
import type { DataSourceOptions } from "typeorm";
import { PERSISTENCE_ENTITIES } from "../entities/entities.js";
import { PERSISTENCE_MIGRATIONS } from "../migrations/migrations.js";
import { redactDatabaseUrl } from "./describe-database.js";
import { SigilDataSource } from "./sigil-data-source.js";

/** Where the database lives: a Postgres URL, or else an embedded PGlite (on disk or in memory). */
export interface DataSourceParameters {
  /** `postgres://…`; when set, the `pg` driver connects to it and `dataDir` is ignored. */
  url?: string;
  /** Directory of the embedded PGlite database; omitted with no `url` means in memory. */
  dataDir?: string;
  /** Log every SQL statement (TypeORM `logging`). */
  logging?: boolean;
  /** Embedded only: start from this `dumpEmbedded()` tarball instead of an empty cluster. */
  loadDataDir?: Blob;
}

type PostgresOptions = Extract<DataSourceOptions, { type: "postgres" }>;

/** Waiting longer than this for a connection (or for PGlite's single one) is an error, not a hang. */
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * Builds a TypeORM DataSource over every Sigil entity and migration, not yet initialized. The schema
 * is owned by the migrations: `synchronize` and `migrationsRun` are off; call {@link runMigrations}.
 */
export function createDataSource({
  url,
  dataDir,
  logging = false,
  loadDataDir,
}: DataSourceParameters): SigilDataSource {
  const common: PostgresOptions = {
    type: "postgres",
    entities: [...PERSISTENCE_ENTITIES],
    migrations: [...PERSISTENCE_MIGRATIONS],
    synchronize: false,
    migrationsRun: false,
    logging,
    // Extensions belong in migrations (TypeORM would ask PGlite for uuid-ossp and exit); generated
    // uuid columns then default to the built-in gen_random_uuid().
    installExtensions: false,
    uuidExtension: "pgcrypto",
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    applicationName: "sigil",
  };

  if (url !== undefined) {
    const options: PostgresOptions = { ...common, url };
    return new SigilDataSource(options, { kind: "postgres", location: redactDatabaseUrl(url) });
  }

  const resolvedDir = dataDir === undefined ? undefined : path.resolve(dataDir);
  // Idle clients are never closed: each new one would re-attach to the same PGlite session.
  const poolOptions: Record<string, unknown> = { idleTimeoutMillis: 0 };
  const options: PostgresOptions = { ...common, extra: poolOptions };
  return new SigilDataSource(
    options,
    { kind: "pglite", location: resolvedDir ?? "memory://" },
    { dataDir: resolvedDir, poolOptions, ...(loadDataDir ? { loadDataDir } : {}) },
  );
}
