import { createTestDataSource, type TestDataSource } from "@sigil/persistence/testing";
import { randomBytes } from "node:crypto";
import { createNonceWriter, type NonceRow } from "./insert-nonce.sql.js";

const NOW = new Date("2026-11-28T08:00:00.123Z");

describe("storing nonces (INSERT_NONCE, INSERT_NONCES)", () => {
  let database: TestDataSource;
  beforeAll(async () => {
    database = await createTestDataSource();
  });
  afterAll(() => database?.destroy());

  const nonce = (overrides: Partial<NonceRow> = {}): NonceRow => ({
    nonce: randomBytes(16).toString("hex"),
    address: null,
    chainId: null,
    requestedScopes: null,
    issuedAt: NOW,
    expiresAt: new Date(NOW.getTime() + 600_000),
    ...overrides,
  });
  const stored = async (rows: NonceRow[]) =>
    (await database.dataSource.query(
      `SELECT nonce, address, chain_id, requested_scopes, issued_at, expires_at, consumed_at, xmin::text AS tx
         FROM nonces WHERE nonce = ANY($1) ORDER BY array_position($1, nonce)`,
      [rows.map((row) => row.nonce)],
    )) as Record<string, unknown>[];

  it("A1: nonces stored together hold exactly what each would alone (address, chain, scopes, times), unconsumed", async () => {
    const sizes: number[] = [];
    const writer = createNonceWriter(database.dataSource, (size) => sizes.push(size));
    const alone = nonce({
      address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      chainId: 31337,
      requestedScopes: ["a:b"],
    });
    await writer.run(alone);
    const together = [
      nonce({ address: alone.address, chainId: 31337, requestedScopes: ["a:b"] }),
      nonce(),
      nonce({ requestedScopes: [] }),
    ];
    await Promise.all(together.map((row) => writer.run(row)));
    expect(sizes).toEqual([1, 3]);

    const [first] = await stored([alone]);
    const rows = await stored(together);
    const { nonce: _n, tx: _t, ...aloneFields } = first!;
    expect(aloneFields).toEqual({
      address: alone.address,
      chain_id: 31337,
      requested_scopes: ["a:b"],
      issued_at: NOW,
      expires_at: alone.expiresAt,
      consumed_at: null,
    });
    expect(rows.map(({ nonce: _n, tx: _t, ...fields }) => fields)).toEqual([
      aloneFields,
      { ...aloneFields, address: null, chain_id: null, requested_scopes: null },
      { ...aloneFields, address: null, chain_id: null, requested_scopes: [] },
    ]);
    // One statement, one transaction for the three.
    expect(new Set(rows.map((row) => row.tx)).size).toBe(1);
  });
});
