import { createTestDataSource, type TestDataSource } from "../fixtures/database.js";

/** SQL TypeORM would run to make the database match the entities; empty means no drift. */
async function pendingSchemaChanges(database: TestDataSource): Promise<string[]> {
  const sql = await database.dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}

describe("entities and migrations agree", () => {
  let database: TestDataSource;

  beforeAll(async () => {
    database = await createTestDataSource();
  });

  afterAll(async () => {
    await database?.destroy();
  });

  it("never lets TypeORM change the schema on its own", () => {
    expect(database.dataSource.options).toMatchObject({ synchronize: false, migrationsRun: false });
  });

  it("leaves TypeORM nothing to change after the migrations ran", async () => {
    await expect(pendingSchemaChanges(database)).resolves.toEqual([]);
  });

  it("reports drift when the database departs from the entities", async () => {
    await database.dataSource.query(`DROP INDEX "IDX_sessions_address_chain_id"`);
    await database.dataSource.query(`ALTER TABLE "grants" DROP CONSTRAINT "CHK_grants_method"`);
    await database.dataSource.query(`ALTER TABLE "nonces" ALTER COLUMN "address" TYPE varchar(42)`);
    const pending = (await pendingSchemaChanges(database)).join("\n");
    expect(pending).toContain(`"IDX_sessions_address_chain_id"`);
    expect(pending).toContain(`"CHK_grants_method"`);
    expect(pending).toMatch(/"nonces".*"address"/);
  });
});
