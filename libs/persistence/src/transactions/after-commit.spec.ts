import { createTestDataSource, type TestDataSource } from "../testing/create-test-data-source.js";
import { afterCommit } from "./after-commit.js";

describe("afterCommit", () => {
  let database: TestDataSource;
  beforeAll(async () => {
    database = await createTestDataSource({ migrate: false });
  });
  afterAll(() => database?.destroy());

  it("runs the effect only once the transaction has committed", async () => {
    const seen: string[] = [];
    await database.dataSource.transaction(async (manager) => {
      await manager.query("SELECT 1");
      afterCommit(manager, () => seen.push("effect"));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(["effect"]);
  });

  it("never runs it when the transaction rolls back, and a retry that commits runs it once", async () => {
    const seen: number[] = [];
    let attempt = 0;
    const work = () =>
      database.dataSource.transaction(async (manager) => {
        attempt += 1;
        afterCommit(manager, () => seen.push(attempt));
        if (attempt === 1) throw new Error("serialization failure");
      });
    await expect(work()).rejects.toThrow("serialization failure");
    await work();
    expect(seen).toEqual([2]);
  });

  it("keeps effects of a released savepoint until the outer commit and drops those of a rolled-back one", async () => {
    const seen: string[] = [];
    await database.dataSource.transaction(async (outer) => {
      afterCommit(outer, () => seen.push("outer"));
      await outer.transaction(async (inner) => afterCommit(inner, () => seen.push("released")));
      await expect(
        outer.transaction(async (inner) => {
          afterCommit(inner, () => seen.push("rolled back"));
          throw new Error("inner failure");
        }),
      ).rejects.toThrow("inner failure");
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(["outer", "released"]);
  });

  it("runs at once outside a transaction", () => {
    const seen: string[] = [];
    afterCommit(database.dataSource.manager, () => seen.push("now"));
    expect(seen).toEqual(["now"]);
  });
});
