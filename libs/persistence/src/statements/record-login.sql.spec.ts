import { createTestDataSource, type TestDataSource } from "@sigil/persistence/testing";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createLoginRecorder, type LoginRecord, recordLogin, recordLogins } from "./record-login.sql.js";

const NOW = new Date("2026-11-28T08:00:00.000Z");
const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

describe("recording logins (RECORD_LOGIN, RECORD_LOGINS)", () => {
  let database: TestDataSource;
  beforeAll(async () => {
    database = await createTestDataSource();
  });
  afterAll(() => database?.destroy());

  const query = <T = Record<string, unknown>>(sql: string, values: unknown[] = []) =>
    database.dataSource.query(sql, values) as Promise<T[]>;

  async function issueNonce(p: { address?: string; expiresAt?: Date } = {}): Promise<string> {
    const nonce = randomBytes(16).toString("hex");
    await query(
      `INSERT INTO nonces (nonce, address, chain_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [
        nonce,
        p.address ?? null,
        p.address ? 31337 : null,
        NOW,
        p.expiresAt ?? new Date(NOW.getTime() + 600_000),
      ],
    );
    return nonce;
  }

  function login(nonce: string, overrides: Partial<LoginRecord> = {}): LoginRecord {
    const sessionId = randomUUID();
    const address = overrides.address ?? ALICE;
    return {
      nonce,
      now: NOW,
      sessionId,
      subject: `eip155:31337:${address}`,
      address,
      chainId: 31337,
      walletKind: "eoa",
      grantedScopes: ["positions:read"],
      requestedScopes: ["positions:read", "admin:write"],
      idleExpiresAt: new Date(NOW.getTime() + 86_400_000),
      absoluteExpiresAt: new Date(NOW.getTime() + 30 * 86_400_000),
      clientAddress: "203.0.113.7",
      userAgent: "jest",
      loginMessage: null,
      loginSignature: null,
      refreshTokenHash: createHash("sha256").update(sessionId).digest(),
      roles: [{ id: "0x01", name: "TRADER", scopes: ["positions:read"] }],
      blockNumber: 12n,
      blockHash: `0x${"ab".repeat(32)}`,
      grantExpiresAt: new Date(NOW.getTime() + 900_000),
      scopeSources: {
        "positions:read": {
          rule: "traders",
          sources: [
            {
              source: "registry",
              kind: "sigil-registry",
              chainId: 31337,
              address: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
              blockNumber: "12",
              blockHash: `0x${"ab".repeat(32)}`,
            },
          ],
        },
      },
      scopesValidUntil: new Date(NOW.getTime() + 3_600_000),
      requestId: `req-${sessionId}`,
      auditData: { sessionId, walletKind: "eoa", scopes: ["positions:read"] },
      ...overrides,
    };
  }

  /** Everything written for a session, without ids and keys that differ by construction. */
  async function writtenFor(sessionId: string) {
    const [session] = await query<Record<string, unknown>>(
      `SELECT subject, address, chain_id, wallet_kind, scopes, requested_scopes, created_at, last_used_at,
              idle_expires_at, absolute_expires_at, client_address, user_agent, login_message, login_signature,
              scopes_valid_until
         FROM sessions WHERE id = $1`,
      [sessionId],
    );
    const refresh = await query(
      `SELECT token_hash, created_at, expires_at, used_at, parent_id FROM refresh_tokens WHERE session_id = $1`,
      [sessionId],
    );
    const grants = await query(
      `SELECT subject, method, scopes_requested, scopes_granted, roles, chain_id, block_number, block_hash,
              client_address, user_agent, issued_at, expires_at, scope_sources FROM grants WHERE session_id = $1`,
      [sessionId],
    );
    const audit = await query(
      `SELECT occurred_at, type, outcome, subject, chain_id, data FROM audit_events
        WHERE type = 'login' AND data->>'sessionId' = $1`,
      [sessionId],
    );
    return { session, refresh, grants, audit };
  }

  const consumedAt = async (nonce: string) =>
    (await query<{ consumed_at: Date | null }>(`SELECT consumed_at FROM nonces WHERE nonce = $1`, [nonce]))[0]
      ?.consumed_at ?? null;

  it("G1: one login alone and the same login in a batch write the same session, refresh token, grant and audit event", async () => {
    const alone = login(await issueNonce({ address: ALICE }));
    const inBatch = login(await issueNonce({ address: ALICE }));
    expect(await recordLogin(database.dataSource, alone)).toBe(true);
    const without = login(await issueNonce(), { scopeSources: null, scopesValidUntil: null });
    expect(await recordLogins(database.dataSource, [inBatch, without])).toEqual([true, true]);
    // A login without provenance leaves SQL NULLs (not JSON null) in the batch form too.
    expect(
      await query(
        `SELECT g.scope_sources IS NULL AS sources, s.scopes_valid_until IS NULL AS valid_until
           FROM grants g JOIN sessions s ON s.id = g.session_id WHERE s.id = $1`,
        [without.sessionId],
      ),
    ).toEqual([{ sources: true, valid_until: true }]);

    const [writtenAlone, writtenInBatch] = [
      await writtenFor(alone.sessionId),
      await writtenFor(inBatch.sessionId),
    ];
    expect(writtenAlone.session).toMatchObject({
      address: ALICE,
      wallet_kind: "eoa",
      scopes: ["positions:read"],
      scopes_valid_until: alone.scopesValidUntil,
    });
    expect(writtenAlone.grants).toEqual([
      expect.objectContaining({
        method: "siwe",
        block_number: "12",
        roles: alone.roles,
        scope_sources: alone.scopeSources,
      }),
    ]);
    expect(writtenInBatch.session).toEqual(writtenAlone.session);
    expect(writtenInBatch.grants).toEqual(writtenAlone.grants);
    // Only what differs by construction differs: the refresh token's hash and the session id.
    expect(writtenAlone.refresh).toEqual([expect.objectContaining({ token_hash: alone.refreshTokenHash })]);
    expect(writtenInBatch.refresh).toEqual([
      { ...writtenAlone.refresh[0], token_hash: inBatch.refreshTokenHash },
    ]);
    expect(writtenAlone.audit).toEqual([expect.objectContaining({ data: alone.auditData })]);
    expect(writtenInBatch.audit).toEqual([{ ...writtenAlone.audit[0], data: inBatch.auditData }]);
  });

  it("A1: in one batch, two logins naming one nonce consume it once; used, expired and other-wallet nonces write nothing", async () => {
    const shared = await issueNonce();
    const used = await issueNonce();
    expect(await recordLogin(database.dataSource, login(used))).toBe(true);
    const expired = await issueNonce({ expiresAt: new Date(NOW.getTime() - 1) });
    const bobs = await issueNonce({ address: BOB });
    const fine = await issueNonce();
    const records = [login(shared), login(shared), login(used), login(expired), login(bobs), login(fine)];

    const created = await recordLogins(database.dataSource, records);

    expect(created.slice(0, 2).filter(Boolean)).toHaveLength(1);
    expect(created.slice(2)).toEqual([false, false, false, true]);
    for (const [index, record] of records.entries()) {
      const written = await writtenFor(record.sessionId);
      const expected = created[index] ? 1 : 0;
      expect([
        written.session ? 1 : 0,
        written.refresh.length,
        written.grants.length,
        written.audit.length,
      ]).toEqual([expected, expected, expected, expected]);
    }
    expect(await consumedAt(shared)).toEqual(NOW);
    expect(await consumedAt(fine)).toEqual(NOW);
    expect(await consumedAt(expired)).toBeNull();
    expect(await consumedAt(bobs)).toBeNull();
  });

  it("A1: concurrent calls to the recorder are written by one transaction, and each caller learns its own outcome", async () => {
    const recorder = createLoginRecorder(database.dataSource);
    const shared = await issueNonce();
    const nonces = await Promise.all(Array.from({ length: 10 }, () => issueNonce()));
    const records = [login(shared), login(shared), login(shared), ...nonces.map((nonce) => login(nonce))];
    const outcomes = await Promise.all(records.map((record) => recorder.run(record)));
    expect(outcomes.slice(0, 3).filter(Boolean)).toHaveLength(1);
    expect(outcomes.slice(3)).toEqual(nonces.map(() => true));
    // Rows of one statement carry one transaction id (xmin): one commit for the eleven logins.
    const created = records.filter((_, index) => outcomes[index]).map((record) => record.sessionId);
    const transactions = await query<{ count: number }>(
      `SELECT count(DISTINCT xmin::text)::int AS count FROM sessions WHERE id = ANY($1::uuid[])`,
      [created],
    );
    expect(transactions).toEqual([{ count: 1 }]);
  });

  it("a login the database refuses fails alone: the rest of its batch is written", async () => {
    const recorder = createLoginRecorder(database.dataSource);
    const good = login(await issueNonce());
    const bad = login(await issueNonce(), { walletKind: "smart" as LoginRecord["walletKind"] });
    const outcomes = await Promise.allSettled([recorder.run(good), recorder.run(bad)]);
    expect(outcomes[0]).toEqual({ status: "fulfilled", value: true });
    // 23514: the sessions table's wallet-kind check.
    expect(outcomes[1]).toMatchObject({ status: "rejected", reason: { code: "23514" } });
    expect((await writtenFor(good.sessionId)).grants).toHaveLength(1);
    expect(await writtenFor(bad.sessionId)).toMatchObject({ session: undefined, grants: [], audit: [] });
    expect(await consumedAt(bad.nonce)).toBeNull();
  });
});
