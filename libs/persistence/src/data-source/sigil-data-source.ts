import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import { DatabaseUnavailableError } from "@sigil/core";
import { mkdir } from "node:fs/promises";
import { DataSource, type DataSourceOptions } from "typeorm";
import type { DatabaseDescription } from "./describe-database.js";

/** Where an embedded PGlite keeps its files, and the pg pool options its connection is added to. */
export interface EmbeddedDatabase {
  /** Undefined keeps the database in memory. */
  dataDir: string | undefined;
  /** The very object passed as TypeORM `extra`; filled with PGlite's pg connection on initialize. */
  poolOptions: Record<string, unknown>;
  /** A `dumpDataDir()` tarball to start from instead of an empty cluster (skips initdb). */
  loadDataDir?: Blob;
}

/**
 * A TypeORM DataSource that knows what it talks to, reports any failure to open as
 * {@link DatabaseUnavailableError}, and owns the embedded PGlite (opened on initialize, closed on destroy).
 */
export class SigilDataSource extends DataSource {
  #pglite: PGlite | undefined;

  constructor(
    options: DataSourceOptions,
    /** Kind and password-free location, for health and dev output. */
    readonly description: DatabaseDescription,
    private readonly embedded?: EmbeddedDatabase,
  ) {
    super(options);
  }

  /** Connects (opening PGlite first when embedded); failures become {@link DatabaseUnavailableError}. */
  override async initialize(): Promise<this> {
    if (this.isInitialized) return super.initialize();
    try {
      await this.openEmbedded();
      return await super.initialize();
    } catch (error) {
      await this.closeEmbedded();
      const { kind, location } = this.description;
      throw new DatabaseUnavailableError(`Cannot open the ${kind} database at ${location}`, {
        cause: error,
        details: { kind },
      });
    }
  }

  /** Closes the pool and, when embedded, the PGlite instance (flushing it to `dataDir`). */
  override async destroy(): Promise<void> {
    try {
      await super.destroy();
    } finally {
      await this.closeEmbedded();
    }
  }

  /** The embedded database's files as a tarball, to open copies of it with `loadDataDir`. */
  async dumpEmbedded(): Promise<Blob> {
    if (!this.#pglite) throw new Error("only an initialized embedded database can be dumped");
    return this.#pglite.dumpDataDir("none");
  }

  private async openEmbedded(): Promise<void> {
    if (!this.embedded) return;
    const { dataDir, poolOptions, loadDataDir } = this.embedded;
    // PGlite creates only the last path segment, and rejects out of band when that fails.
    if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
    // Ready before pg connects: a cold start (initdb) must not count against the connect timeout.
    this.#pglite = await PGlite.create(dataDir, loadDataDir ? { loadDataDir } : {});
    // Not typeorm-pglite: it shares one PGlite per process and interleaves concurrent transactions.
    // Here pg's own client talks to this PGlite in-process, and a pool of one serializes sessions.
    Object.assign(poolOptions, createPgConfig(this.#pglite));
  }

  private async closeEmbedded(): Promise<void> {
    const pglite = this.#pglite;
    this.#pglite = undefined;
    if (pglite && !pglite.closed) await pglite.close();
  }
}
