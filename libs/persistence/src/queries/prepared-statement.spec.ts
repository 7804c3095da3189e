import { createTestDataSource, type TestDataSource } from "../testing/create-test-data-source.js";
import { runPrepared } from "./prepared-statement.js";

// Ending a backend from another connection needs a PostgreSQL server (PGlite has one backend).
const onServer = process.env.TEST_DATABASE_URL ? it : it.skip;

describe("runPrepared", () => {
  let database: TestDataSource;
  beforeAll(async () => {
    database = await createTestDataSource({ migrate: false });
  });
  afterAll(() => database?.destroy());

  const doubled = { name: "test_doubled", text: "SELECT ($1::int * 2) AS value" };

  it("runs a named statement with its parameters, again and again on the same connections", async () => {
    for (const n of [1, 2, 3, 21]) {
      expect(await runPrepared<{ value: number }>(database.dataSource, doubled, [n])).toEqual([
        { value: n * 2 },
      ]);
    }
  });

  it("is a prepared statement on the server, planned once and found by name", async () => {
    await runPrepared(database.dataSource, doubled, [5]);
    const names = await runPrepared<{ name: string }>(
      database.dataSource,
      { name: "test_prepared_names", text: "SELECT name FROM pg_prepared_statements ORDER BY name" },
      [],
    );
    // One query at a time: the pool hands back the connection just released, which prepared both.
    expect(names.map((row) => row.name)).toEqual(
      expect.arrayContaining(["test_doubled", "test_prepared_names"]),
    );
  });

  it("passes database errors through with their SQLSTATE, and the pool's connections stay usable", async () => {
    await expect(
      runPrepared(database.dataSource, { name: "test_division", text: "SELECT 1 / $1::int AS value" }, [0]),
    ).rejects.toMatchObject({ code: "22012" });
    // Embedded PGlite failed both once the pool had discarded the connection of the failed statement.
    expect(await runPrepared(database.dataSource, doubled, [4])).toEqual([{ value: 8 }]);
    expect(await database.dataSource.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });

  onServer(
    "a connection ended mid-statement fails that statement only: the process lives on and the pool serves the next",
    async () => {
      const sleeping = runPrepared(
        database.dataSource,
        { name: "test_sleep", text: "SELECT pg_sleep($1::float8)" },
        [5],
      );
      const ended = async () =>
        (
          await database.dataSource.query(
            `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'SELECT pg_sleep%'`,
          )
        ).length;
      while ((await ended()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      // 57P01: "terminating connection due to administrator command", as in a server restart.
      await expect(sleeping).rejects.toMatchObject({ code: "57P01" });
      expect(await runPrepared(database.dataSource, doubled, [6])).toEqual([{ value: 12 }]);
    },
  );
});
