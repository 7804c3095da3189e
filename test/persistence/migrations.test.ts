import {
  createDataSource,
  PERSISTENCE_MIGRATIONS,
  revertAllMigrations,
  runMigrations,
} from "@sigil/persistence";
import { createTestDataSource, type TestDataSource } from "../fixtures/database.js";
import { EXPECTED_SCHEMA, TABLES } from "./expected-schema.js";
import { findRelations, inspectSchema } from "./inspect-schema.js";

// Every relation and constraint name the initial migration creates, to prove `down` leaves none.
const CREATED_NAMES = [
  ...TABLES,
  "audit_events_id_seq",
  ...EXPECTED_SCHEMA.constraints.map((line) => line.split(/[ :]/)[1] ?? ""),
  ...EXPECTED_SCHEMA.indexes.map((line) => /INDEX "([^"]+)"/.exec(line)?.[1] ?? ""),
];

// Class names in timestamp order, as TypeORM records them.
const MIGRATION_NAMES = PERSISTENCE_MIGRATIONS.map((migration) => migration.name);
expect(MIGRATION_NAMES[0]).toBe("Initial1764288000000");

describe("migrations: up, down, up", () => {
  let database: TestDataSource;

  beforeAll(async () => {
    database = await createTestDataSource({ migrate: false });
  });

  afterAll(async () => {
    await database?.destroy();
  });

  it("starts from a database without any Sigil table", async () => {
    await expect(findRelations(database.dataSource, CREATED_NAMES)).resolves.toEqual([]);
  });

  it("up creates every table, column, CHECK, foreign key and index", async () => {
    await expect(runMigrations(database.dataSource)).resolves.toEqual(MIGRATION_NAMES);
    await expect(inspectSchema(database.dataSource, TABLES)).resolves.toEqual(EXPECTED_SCHEMA);
    await expect(runMigrations(database.dataSource)).resolves.toEqual([]);
  });

  it("down removes everything up created", async () => {
    // Every migration, newest first.
    await expect(revertAllMigrations(database.dataSource)).resolves.toEqual(MIGRATION_NAMES.toReversed());
    await expect(findRelations(database.dataSource, CREATED_NAMES)).resolves.toEqual([]);
    await expect(database.dataSource.showMigrations()).resolves.toBe(true);
  });

  it("up again recreates the same schema", async () => {
    await expect(runMigrations(database.dataSource)).resolves.toEqual(MIGRATION_NAMES);
    await expect(inspectSchema(database.dataSource, TABLES)).resolves.toEqual(EXPECTED_SCHEMA);
    await expect(database.dataSource.showMigrations()).resolves.toBe(false);
  });
});

const withServer = process.env.TEST_DATABASE_URL ? describe : describe.skip;

withServer("migrations from several processes (needs TEST_DATABASE_URL)", () => {
  let database: TestDataSource;

  beforeAll(async () => {
    database = await createTestDataSource({ migrate: false });
  });

  afterAll(async () => {
    await database?.destroy();
  });

  it("O4: instances and `sigil migrate` started together apply each migration exactly once", async () => {
    const { url } = database.dataSource.options as { url: string };
    const others = [createDataSource({ url }), createDataSource({ url })];
    await Promise.all(others.map((other) => other.initialize()));
    try {
      const runs = await Promise.all([database.dataSource, ...others].map((d) => runMigrations(d)));
      // One run applied everything; the others waited for it and found nothing pending.
      expect(runs.map((names) => names.length).sort((a, b) => a - b)).toEqual([0, 0, MIGRATION_NAMES.length]);
      const rows = (await database.dataSource.query(`SELECT name FROM migrations`)) as { name: string }[];
      expect(rows.map((row) => row.name).sort()).toEqual([...MIGRATION_NAMES].sort());
    } finally {
      await Promise.all(others.map((other) => other.destroy()));
    }
  });
});
