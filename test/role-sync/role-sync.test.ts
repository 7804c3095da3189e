import type { INestApplication } from "@nestjs/common";
import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { createVenueFor } from "../fixtures/example-venue.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import { basic } from "../e2e/support/http.js";
import { registryAdmin } from "./support/registry-admin.js";

const trader = devAccount(DevAccountIndex.trader);
const noRole = devAccount(DevAccountIndex.noRole);

/** Role sync end to end: registry changes on a local chain reach live sessions at Sigil and at a venue. */
describe("chain role sync", () => {
  let sigil: SigilTestEnvironment;
  let venue: INestApplication;
  let admin: ReturnType<typeof registryAdmin>;
  const api = () => request(sigil.app.getHttpServer());
  const atVenue = () => request(venue.getHttpServer());
  const follower = () => sigil.app.get(RoleSyncService).follower(31337)!;

  beforeAll(async () => {
    sigil = await startSigil({
      SIGIL_ROLE_SYNC: "true",
      SIGIL_ROLE_SYNC_POLL_MS: "50",
      SIGIL_RECONCILE_INTERVAL_MS: "0",
    });
    admin = registryAdmin(sigil.chain, sigil.stack.registry);
    await sigil.app.listen(0, "127.0.0.1");
    // The venue refuses scope checks until the issuer has confirmed the chain's roles once.
    await waitFor(() => follower().steps > 0, { timeoutMs: 10_000 });
    const url = await sigil.app.getUrl();
    venue = await createVenueFor(sigil, url);
  });

  afterAll(async () => {
    await venue?.close();
    await sigil?.close();
  });

  async function login(account: typeof trader) {
    const response = await signIn({ app: sigil.app, account });
    expect(response.status).toBe(200);
    return response.body as {
      access_token: string;
      refresh_token: string;
      session_id: string;
      scope: string;
    };
  }

  it("C5: the registry admin revoking TRADER ends account 1's live session: next request refused, refresh fails, within 2 s", async () => {
    const session = await login(trader);
    await atVenue()
      .post("/orders")
      .set("Authorization", `Bearer ${session.access_token}`)
      .send(order())
      .expect(201);

    const receipt = await admin.revokeRole("TRADER", trader.address);
    try {
      const refusedAfter = await waitFor(
        async () =>
          (await api().get("/v1/me").set("Authorization", `Bearer ${session.access_token}`)).status === 401,
        { timeoutMs: 5_000 },
      );
      expect(refusedAfter).toBeLessThan(2_000);
      const refresh = await api().post("/v1/auth/refresh").send({ refresh_token: session.refresh_token });
      expect(refresh.status).toBe(400);
      expect(refresh.body.error).toBe("invalid_grant");
      // The venue learns it from the revocation feed (a long poll woken by the revocation).
      const venueAfter = await waitFor(
        async () =>
          (await atVenue().get("/positions").set("Authorization", `Bearer ${session.access_token}`))
            .status === 401,
        { timeoutMs: 5_000, everyMs: 20 },
      );
      expect(venueAfter).toBeLessThan(1_000); // the venue long-polls the feed

      const [grant] = await sigil.database.dataSource.query(
        `SELECT revoked_reason, revoked_block_number FROM grants WHERE session_id = $1`,
        [session.session_id],
      );
      expect(grant).toEqual({
        revoked_reason: "role_revoked",
        revoked_block_number: String(receipt.blockNumber),
      });
      const audit = await sigil.database.dataSource.query(
        `SELECT data FROM audit_events WHERE type = 'session_revoked' AND data->>'sessionId' = $1`,
        [session.session_id],
      );
      expect(audit).toEqual([
        {
          data: { sessionId: session.session_id, reason: "role_revoked", block: String(receipt.blockNumber) },
        },
      ]);
    } finally {
      await admin.grantRole("TRADER", trader.address);
    }
  });

  it("C5: removing orders:write from TRADER narrows live sessions at Sigil and at the venue; refresh keeps the rest", async () => {
    const session = await login(trader);
    expect(session.scope).toBe("orders:read orders:write positions:read");
    const auth = `Bearer ${session.access_token}`;
    await atVenue().post("/orders").set("Authorization", auth).send(order()).expect(201);

    await admin.removeScope("TRADER", "orders:write");
    try {
      await waitFor(
        async () =>
          (await api().get("/v1/me").set("Authorization", auth)).body.scope?.includes("orders:write") ===
          false,
        { timeoutMs: 2_000 },
      );
      const me = await api().get("/v1/me").set("Authorization", auth).expect(200);
      expect(me.body.scope).toEqual(["orders:read", "positions:read"]);

      // The same token, unchanged, loses orders:write at the venue but keeps the rest.
      await waitFor(
        async () => (await atVenue().post("/orders").set("Authorization", auth).send(order())).status === 403,
        { timeoutMs: 3_000, everyMs: 20 },
      );
      await atVenue().get("/orders").set("Authorization", auth).expect(200);
      await atVenue().get("/positions").set("Authorization", auth).expect(200);

      const feed = await api().get("/v1/revocations").set(basic()).expect(200);
      expect(feed.body.revocations).toContainEqual(
        expect.objectContaining({ sid: session.session_id, scope: "orders:read positions:read" }),
      );
      const refreshed = await api()
        .post("/v1/auth/refresh")
        .send({ refresh_token: session.refresh_token })
        .expect(200);
      expect(refreshed.body.scope).toBe("orders:read positions:read");
      await atVenue()
        .post("/orders")
        .set("Authorization", `Bearer ${refreshed.body.access_token}`)
        .send(order())
        .expect(403);

      const grants = await sigil.database.dataSource.query(
        `SELECT method, scopes_granted, revoked_reason FROM grants WHERE session_id = $1 ORDER BY issued_at, method`,
        [session.session_id],
      );
      expect(grants).toEqual([
        {
          method: "siwe",
          scopes_granted: ["orders:read", "orders:write", "positions:read"],
          revoked_reason: "scope_removed",
        },
        { method: "chain_sync", scopes_granted: ["orders:read", "positions:read"], revoked_reason: null },
        { method: "refresh", scopes_granted: ["orders:read", "positions:read"], revoked_reason: null },
      ]);
    } finally {
      await admin.addScope("TRADER", "orders:write");
    }
  });

  it("a role granted on-chain shows on the next refresh", async () => {
    const session = await login(noRole);
    expect(session.scope).toBe("");
    await admin.grantRole("VIEWER", noRole.address);
    try {
      const refreshed = await api()
        .post("/v1/auth/refresh")
        .send({ refresh_token: session.refresh_token })
        .expect(200);
      expect(refreshed.body.scope).toBe("positions:read");
    } finally {
      await admin.revokeRole("VIEWER", noRole.address);
    }
  });

  it("D7: reconciliation agrees with the chain, then reports a tampered index as divergence (metric and audit event)", async () => {
    const service = sigil.app.get(RoleSyncService);
    const chain = follower().chain;
    await waitFor(async () => {
      const [cursor] = await sigil.database.dataSource.query(`SELECT block_number FROM chain_cursors`);
      return (
        BigInt(cursor.block_number) === (await sigil.chain.publicClient.getBlockNumber({ cacheTime: 0 }))
      );
    });
    const clean = await service.reconcile(chain);
    expect(clean.divergent).toEqual([]);
    expect(clean.accountsChecked).toBeGreaterThanOrEqual(3);

    const viewer = devAccount(DevAccountIndex.viewer).address;
    // The index now says the grant was a revocation: it no longer matches the chain.
    await sigil.database.dataSource.query(
      `UPDATE chain_role_events SET kind = 'role_revoked' WHERE kind = 'role_granted' AND account = $1`,
      [viewer],
    );
    const report = await service.reconcile(chain);
    expect(report.divergent).toEqual([
      {
        address: viewer,
        indexed: { roles: [], scopes: [] },
        onChain: { roles: ["VIEWER"], scopes: ["positions:read"] },
      },
    ]);
    const metrics = await api().get("/metrics");
    expect(metrics.text).toMatch(/sigil_reconciliation_divergence\{chain_id="31337"\} 1/);
    // The follower's own figures: caught up, and the role changes of the tests above counted.
    expect(metrics.text).toMatch(/sigil_chain_follower_lag_blocks\{chain_id="31337"\} 0/);
    expect(metrics.text).toMatch(
      /sigil_chain_role_events_applied_total\{chain_id="31337",event="role_revoked"\} [1-9]/,
    );
    expect(metrics.text).toMatch(
      /sigil_sessions_changed_by_chain_total\{chain_id="31337",action="revoked"\} [1-9]/,
    );
    expect(metrics.text).toMatch(
      /sigil_sessions_changed_by_chain_total\{chain_id="31337",action="narrowed"\} [1-9]/,
    );
    const [audit] = await sigil.database.dataSource.query(
      `SELECT outcome, data FROM audit_events WHERE type = 'role_index_divergence'`,
    );
    expect(audit.outcome).toBe("failure");
    expect(audit.data.divergent[0].address).toBe(viewer);
  });
});

function order() {
  return { market: "BTC-USD", side: "buy", size: "0.1" };
}
