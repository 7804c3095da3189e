import { DatabaseUnavailableError } from "@sigil/core";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DataSource } from "typeorm";
import { PERSISTENCE_ENTITIES } from "../entities/entities.js";
import { PERSISTENCE_MIGRATIONS } from "../migrations/migrations.js";
import { createDataSource } from "./create-data-source.js";
import { describeDatabase } from "./describe-database.js";
import { runMigrations } from "./run-migrations.js";

describe("createDataSource", () => {
  it.each([
    ["postgres", { url: "postgres://sigil@db.internal:5432/sigil" }],
    ["pglite", {}],
  ])("(%s) registers every entity and migration and leaves the schema to the migrations", (_kind, params) => {
    const { options } = createDataSource(params);
    expect(options).toMatchObject({ type: "postgres", synchronize: false, migrationsRun: false });
    expect(options.entities).toEqual([...PERSISTENCE_ENTITIES]);
    expect(options.migrations).toEqual([...PERSISTENCE_MIGRATIONS]);
  });

  it("describes Postgres without the password or query string", () => {
    const dataSource = createDataSource({
      url: "postgres://sigil:hunter2@db.internal:6543/auth?sslmode=require",
    });
    expect(describeDatabase(dataSource)).toEqual({
      kind: "postgres",
      location: "postgres://sigil@db.internal:6543/auth",
    });
  });

  it("describes PGlite by its absolute data directory, or as in memory", () => {
    expect(describeDatabase(createDataSource({ dataDir: "rel/dir" }))).toEqual({
      kind: "pglite",
      location: path.resolve("rel/dir"),
    });
    expect(describeDatabase(createDataSource({}))).toEqual({ kind: "pglite", location: "memory://" });
  });

  it("describes a DataSource it did not create from its options", () => {
    const plain = new DataSource({ type: "postgres", url: "postgres://u:secret@h:1/d" });
    expect(describeDatabase(plain)).toEqual({ kind: "postgres", location: "postgres://u@h:1/d" });
  });

  it("reports an unreachable Postgres as DatabaseUnavailableError with the cause, never the password", async () => {
    const dataSource = createDataSource({ url: "postgres://sigil:hunter2@127.0.0.1:1/sigil" });
    const error: unknown = await dataSource.initialize().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ code: "database_unavailable", details: { kind: "postgres" } });
    expect((error as Error).cause).toMatchObject({ code: "ECONNREFUSED" });
    expect((error as Error).message).not.toContain("hunter2");
    expect(dataSource.isInitialized).toBe(false);
  });

  describe("embedded PGlite on disk", () => {
    let dataDir: string;

    beforeAll(async () => {
      dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), "sigil-pglite-")), "nested", "pglite");
    });

    afterAll(async () => {
      await rm(path.dirname(path.dirname(dataDir)), { recursive: true, force: true });
    });

    it("creates the directory and keeps the data across destroy and initialize", async () => {
      const dataSource = createDataSource({ dataDir });
      await dataSource.initialize();
      await runMigrations(dataSource);
      await dataSource.query(
        `INSERT INTO "nonces" (nonce, issued_at, expires_at) VALUES ('kept', now(), now())`,
      );
      await dataSource.destroy();

      await dataSource.initialize();
      try {
        await expect(dataSource.query(`SELECT nonce FROM "nonces"`)).resolves.toEqual([{ nonce: "kept" }]);
        await expect(runMigrations(dataSource)).resolves.toEqual([]);
      } finally {
        await dataSource.destroy();
      }
    });

    // PGlite has one session: a second query runner must wait rather than join an open transaction.
    it("isolates transactions as Postgres would", async () => {
      const dataSource = await createDataSource({ dataDir }).initialize();
      try {
        const writer = dataSource.createQueryRunner();
        await writer.startTransaction();
        await writer.query(
          `INSERT INTO "nonces" (nonce, issued_at, expires_at) VALUES ('pending', now(), now())`,
        );
        const reader = dataSource.query(`SELECT count(*)::int AS n FROM "nonces" WHERE nonce = 'pending'`);
        await writer.rollbackTransaction();
        await writer.release();
        await expect(reader).resolves.toEqual([{ n: 0 }]);
      } finally {
        await dataSource.destroy();
      }
    });
  });
});
