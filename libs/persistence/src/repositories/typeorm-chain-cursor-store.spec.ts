import type { ChainCursor } from "@sigil/core";
import { createTestDataSource, type TestDataSource } from "../testing/create-test-data-source.js";
import { TypeormChainCursorStore } from "./typeorm-chain-cursor-store.js";

const cursor = (overrides: Partial<ChainCursor> = {}): ChainCursor => ({
  chainId: 31337,
  genesisHash: `0x${"aa".repeat(32)}`,
  registryAddress: `0x${"11".repeat(20)}`,
  blockNumber: 12n,
  blockHash: `0x${"bb".repeat(32)}`,
  updatedAt: new Date("2025-11-28T00:00:00.000Z"),
  ...overrides,
});

describe("TypeormChainCursorStore", () => {
  let database: TestDataSource;
  let store: TypeormChainCursorStore;

  beforeAll(async () => {
    database = await createTestDataSource();
    store = new TypeormChainCursorStore(database.dataSource);
  });

  afterAll(async () => {
    await database?.destroy();
  });

  beforeEach(async () => {
    await database.dataSource.query(`DELETE FROM "chain_cursors"`);
  });

  it("returns undefined for a chain it has never followed", async () => {
    await expect(store.get(1)).resolves.toBeUndefined();
  });

  it("reads back what it saved, block number as bigint", async () => {
    await store.save(cursor());
    await expect(store.get(31337)).resolves.toEqual(cursor());
  });

  it("replaces the cursor of the same chain instead of adding a row", async () => {
    await store.save(cursor());
    const next = cursor({
      blockNumber: 13n,
      blockHash: `0x${"cc".repeat(32)}`,
      updatedAt: new Date(1_764_300_000_000),
    });
    await store.save(next);
    await expect(store.get(31337)).resolves.toEqual(next);
    await expect(
      database.dataSource.query(`SELECT count(*)::int AS n FROM "chain_cursors"`),
    ).resolves.toEqual([{ n: 1 }]);
  });

  it("keeps chains apart", async () => {
    await store.save(cursor());
    await store.save(cursor({ chainId: 1, blockNumber: 21_000_000n }));
    await expect(store.get(31337)).resolves.toMatchObject({ blockNumber: 12n });
    await expect(store.get(1)).resolves.toMatchObject({ chainId: 1, blockNumber: 21_000_000n });
  });

  it("stores block numbers beyond 2^53 without rounding", async () => {
    const huge = 2n ** 63n - 1n;
    await store.save(cursor({ blockNumber: huge }));
    await expect(store.get(31337)).resolves.toMatchObject({ blockNumber: huge });
    const [row] = await database.dataSource.query(`SELECT block_number::text AS n FROM "chain_cursors"`);
    expect(row).toEqual({ n: huge.toString() });
  });

  it("lets concurrent saves of one chain settle on one row", async () => {
    const saves = [1n, 2n, 3n, 4n, 5n].map((blockNumber) => store.save(cursor({ blockNumber })));
    await Promise.all(saves);
    const [row] = await database.dataSource.query(`SELECT count(*)::int AS n FROM "chain_cursors"`);
    expect(row).toEqual({ n: 1 });
  });
});
