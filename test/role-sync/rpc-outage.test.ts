import type { INestApplication } from "@nestjs/common";
import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { guardOptionsFor } from "../fixtures/example-venue.js";
import { basic } from "../e2e/support/http.js";
import { createGuardedApp } from "../guard/support/guarded-app.js";
import { waitFor } from "../guard/support/wait.js";

const trader = devAccount(DevAccountIndex.trader);

/** D1: with the chain's RPC down, allows are trusted only briefly; then scope checks fail closed. */
describe("role sync with the RPC down", () => {
  let sigil: SigilTestEnvironment;
  let resourceServer: INestApplication;
  const api = () => request(sigil.app.getHttpServer());
  const atServer = () => request(resourceServer.getHttpServer());
  const follower = () => sigil.app.get(RoleSyncService).follower(31337)!;

  beforeAll(async () => {
    sigil = await startSigil({
      SIGIL_ROLE_SYNC: "true",
      SIGIL_ROLE_SYNC_POLL_MS: "50",
      SIGIL_ROLE_SYNC_MAX_STALENESS_MS: "1000",
      SIGIL_RECONCILE_INTERVAL_MS: "0",
    });
    await sigil.app.listen(0, "127.0.0.1");
    await waitFor(() => follower().steps > 0, { timeoutMs: 10_000 });
    const url = await sigil.app.getUrl();
    resourceServer = await createGuardedApp(
      guardOptionsFor(sigil, url, { intervalMs: 100, maxRoleSyncAgeMs: 1_000 }),
    );
  });

  afterAll(async () => {
    await resourceServer?.close();
    await sigil?.close();
  });

  it("D1: RPC down → scope-requiring routes 503 role_sync_stale (never 401), sign-in 503 rpc_unavailable; both recover by themselves", async () => {
    const login = await signIn({ app: sigil.app, account: trader });
    expect(login.status).toBe(200);
    const auth = `Bearer ${login.body.access_token}`;
    await atServer().get("/positions").set("Authorization", auth).expect(200);

    await sigil.chain.pause();
    try {
      const staleAfter = await waitFor(
        async () => (await atServer().get("/positions").set("Authorization", auth)).status === 503,
        { timeoutMs: 5_000, everyMs: 50 },
      );
      // Within the configured trust window plus the feed's poll, not before.
      expect(staleAfter).toBeGreaterThan(500);
      const refused = await atServer().get("/positions").set("Authorization", auth).expect(503);
      expect(refused.body.error).toBe("role_sync_stale");
      expect(refused.headers["retry-after"]).toBe("1");
      // A route with no scope does not depend on roles and still answers.
      await atServer().get("/me").set("Authorization", auth).expect(200);

      // The wallet's signature is checked locally; only the role read fails, and says so.
      const during = await signIn({ app: sigil.app, account: trader });
      expect(during.status).toBe(503);
      expect(during.body.error).toBe("rpc_unavailable");

      const feed = await api().get("/v1/revocations").set(basic()).expect(200);
      expect(feed.body.roleSync[0].ageMs).toBeGreaterThan(1_000);
      const metrics = await api().get("/metrics").expect(200);
      expect(metrics.text).toMatch(
        /sigil_chain_rpc_errors_total\{chain_id="31337",operation="follow"\} [1-9]/,
      );
    } finally {
      await sigil.chain.resume();
    }

    await waitFor(
      async () => (await atServer().get("/positions").set("Authorization", auth)).status === 200,
      {
        timeoutMs: 5_000,
        everyMs: 50,
      },
    );
    expect((await signIn({ app: sigil.app, account: trader })).status).toBe(200);
  });
});
