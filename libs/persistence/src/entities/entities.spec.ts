import { randomBytes, randomUUID } from "node:crypto";
import { QueryFailedError } from "typeorm";
import { createTestDataSource, type TestDataSource } from "../testing/create-test-data-source.js";
import { AuditEventEntity } from "./audit-event.entity.js";
import { GrantEntity } from "./grant.entity.js";
import { NonceEntity } from "./nonce.entity.js";
import { RefreshTokenEntity } from "./refresh-token.entity.js";
import { SessionEntity } from "./session.entity.js";

const at = (iso: string) => new Date(`2025-11-28T${iso}.000Z`);
const address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

function session(overrides: Partial<SessionEntity> = {}): SessionEntity {
  return Object.assign(new SessionEntity(), {
    id: randomUUID(),
    subject: `eip155:31337:${address}`,
    address,
    chainId: 31337,
    walletKind: "eoa",
    scopes: ["orders:read", "positions:read"],
    createdAt: at("10:00:00"),
    lastUsedAt: at("10:00:00"),
    idleExpiresAt: at("11:00:00"),
    absoluteExpiresAt: at("22:00:00"),
    revokedAt: null,
    revokedReason: null,
    clientAddress: "127.0.0.1",
    userAgent: "jest",
    ...overrides,
  });
}

function refreshToken(sessionId: string, overrides: Partial<RefreshTokenEntity> = {}): RefreshTokenEntity {
  return Object.assign(new RefreshTokenEntity(), {
    sessionId,
    tokenHash: randomBytes(32),
    parentId: null,
    createdAt: at("10:00:00"),
    expiresAt: at("22:00:00"),
    ...overrides,
  });
}

function grant(sessionId: string | null, overrides: Partial<GrantEntity> = {}): GrantEntity {
  return Object.assign(new GrantEntity(), {
    sessionId,
    subject: `eip155:31337:${address}`,
    actor: null,
    method: "siwe",
    scopesRequested: null,
    scopesGranted: ["positions:read"],
    roles: [{ id: `0x${"ab".repeat(32)}`, name: "VIEWER", scopes: ["positions:read"] }],
    chainId: 31337,
    blockNumber: 42n,
    blockHash: `0x${"cd".repeat(32)}`,
    issuedAt: at("10:00:00"),
    expiresAt: at("10:15:00"),
    scopeSources: null,
    ...overrides,
  });
}

describe("entities on a migrated database", () => {
  let database: TestDataSource;

  beforeAll(async () => {
    database = await createTestDataSource();
  });

  afterAll(async () => {
    await database?.destroy();
  });

  it("round-trips a server-prepared nonce with its scopes", async () => {
    const nonces = database.dataSource.getRepository(NonceEntity);
    const saved = nonces.create({
      nonce: "n0nce1234567",
      address,
      chainId: 31337,
      requestedScopes: ["orders:read"],
      issuedAt: at("10:00:00"),
      expiresAt: at("10:05:00"),
      consumedAt: null,
    });
    await nonces.insert(saved);
    await expect(nonces.findOneByOrFail({ nonce: "n0nce1234567" })).resolves.toEqual(saved);
  });

  it("keeps refresh tokens as hashes (Buffers) in their session's family", async () => {
    const s = session();
    await database.dataSource.getRepository(SessionEntity).insert(s);
    const tokens = database.dataSource.getRepository(RefreshTokenEntity);
    const first = refreshToken(s.id);
    await tokens.insert(first);
    const loaded = await tokens.findOneByOrFail({ tokenHash: first.tokenHash });
    expect(loaded).toMatchObject({ id: first.id, sessionId: s.id, usedAt: null, replacedById: null });
    expect(Buffer.isBuffer(loaded.tokenHash) && loaded.tokenHash.equals(first.tokenHash)).toBe(true);
  });

  it("rejects a second token with the same hash", async () => {
    const s = session();
    await database.dataSource.getRepository(SessionEntity).insert(s);
    const tokens = database.dataSource.getRepository(RefreshTokenEntity);
    const tokenHash = randomBytes(32);
    await tokens.insert(refreshToken(s.id, { tokenHash }));
    await expect(tokens.insert(refreshToken(s.id, { tokenHash }))).rejects.toThrow(QueryFailedError);
  });

  it("deletes the refresh family with its session but keeps the grants, unlinked", async () => {
    const s = session();
    await database.dataSource.getRepository(SessionEntity).insert(s);
    await database.dataSource.getRepository(RefreshTokenEntity).insert(refreshToken(s.id));
    const g = grant(s.id);
    await database.dataSource.getRepository(GrantEntity).insert(g);

    await database.dataSource.getRepository(SessionEntity).delete({ id: s.id });

    await expect(
      database.dataSource.getRepository(RefreshTokenEntity).countBy({ sessionId: s.id }),
    ).resolves.toBe(0);
    await expect(
      database.dataSource.getRepository(GrantEntity).findOneByOrFail({ id: g.id }),
    ).resolves.toMatchObject({
      sessionId: null,
    });
  });

  it("round-trips a grant: roles and scope sources as JSON, block numbers as bigint", async () => {
    const source = {
      source: "pass",
      kind: "erc721",
      chainId: 31337,
      address,
      blockNumber: "42",
      blockHash: `0x${"cd".repeat(32)}`,
    } as const;
    const g = grant(null, {
      method: "delegation",
      actor: "eip155:31337:0xBot",
      revokedBlockNumber: 2n ** 60n,
      scopeSources: { "positions:read": { rule: "pass-holders", sources: [source] } },
    });
    await database.dataSource.getRepository(GrantEntity).insert(g);
    const loaded = await database.dataSource.getRepository(GrantEntity).findOneByOrFail({ id: g.id });
    expect(loaded).toEqual({
      ...g,
      revokedAt: null,
      revokedReason: null,
      clientAddress: null,
      userAgent: null,
    });
    expect(typeof loaded.blockNumber).toBe("bigint");
  });

  it("numbers and hash-chains audit events itself and defaults their data to {}", async () => {
    const events = database.dataSource.getRepository(AuditEventEntity);
    const base = { occurredAt: at("10:00:00"), type: "login", outcome: "success" as const };
    await events.insert([base, { ...base, outcome: "info" }]);
    const rows = await events.find({ order: { id: "ASC" } });
    expect(rows.map((row) => typeof row.id)).toEqual(["bigint", "bigint"]);
    // Ids only grow (the chaining trigger draws its own, so they may skip); the order is the chain's.
    expect(rows[1]!.id > rows[0]!.id).toBe(true);
    expect(rows.map((row) => row.outcome)).toEqual(["success", "info"]);
    expect(rows[0]).toMatchObject({ data: {}, prevHash: null, subject: null });
    expect(rows[0]!.hash).toHaveLength(32);
    expect(rows[1]!.prevHash).toEqual(rows[0]!.hash);
  });

  it.each([
    [
      "sessions",
      () => database.dataSource.getRepository(SessionEntity).insert(session({ walletKind: "safe" as never })),
    ],
    [
      "grants",
      () => database.dataSource.getRepository(GrantEntity).insert(grant(null, { method: "magic" as never })),
    ],
    [
      "audit_events",
      () =>
        database.dataSource
          .getRepository(AuditEventEntity)
          .insert({ occurredAt: new Date(), type: "x", outcome: "maybe" as never }),
    ],
  ])("rejects a value outside the CHECK list of %s", async (table, insert) => {
    await expect(insert()).rejects.toThrow(new RegExp(`violates check constraint "CHK_${table}_`));
  });
});
