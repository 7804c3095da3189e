import type { INestApplication } from "@nestjs/common";
import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { guardOptionsFor } from "../fixtures/example-venue.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { basic } from "../e2e/support/http.js";
import { grantNewRole } from "../e2e/support/chain-state.js";
import { createGuardedApp } from "../guard/support/guarded-app.js";
import { waitFor } from "../guard/support/wait.js";
import { registryAdmin } from "./support/registry-admin.js";

const trader = devAccount(DevAccountIndex.trader);
const auditor = devAccount(DevAccountIndex.admin);

/**
 * J3: every answer to "what may this token do" (introspection, /v1/me, the access guard and the
 * revocation feed a resource server reads) gives the same live scopes, and all fail closed on stale roles.
 */
describe("a token's live scopes, wherever they are asked for", () => {
  let sigil: SigilTestEnvironment;
  let resourceServer: INestApplication;
  let admin: ReturnType<typeof registryAdmin>;
  const api = () => request(sigil.app.getHttpServer());
  const atServer = () => request(resourceServer.getHttpServer());
  const follower = () => sigil.app.get(RoleSyncService).follower(31337)!;
  const introspect = (token: string) => api().post("/oauth/introspect").set(basic()).send({ token });
  const me = (token: string) => api().get("/v1/me").set("Authorization", `Bearer ${token}`);

  beforeAll(async () => {
    sigil = await startSigil({
      SIGIL_ROLE_SYNC: "true",
      SIGIL_ROLE_SYNC_POLL_MS: "50",
      // Bounds well above a loaded machine's poll gaps, so only the paused chain makes roles stale.
      SIGIL_ROLE_SYNC_MAX_STALENESS_MS: "2500",
      SIGIL_RECONCILE_INTERVAL_MS: "0",
    });
    admin = registryAdmin(sigil.chain, sigil.stack.registry);
    await sigil.app.listen(0, "127.0.0.1");
    await waitFor(() => follower().steps > 0, { timeoutMs: 10_000 });
    resourceServer = await createGuardedApp(
      guardOptionsFor(sigil, await sigil.app.getUrl(), {
        intervalMs: 100,
        longPollMs: 1_000,
        maxRoleSyncAgeMs: 2_500,
      }),
    );
  });

  afterAll(async () => {
    await resourceServer?.close();
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

  it("J3: after TRADER loses orders:write on-chain, introspection, /v1/me, the guard and the revocation feed all give orders:read positions:read", async () => {
    const session = await login(trader);
    expect(session.scope).toBe("orders:read orders:write positions:read");
    const auth = `Bearer ${session.access_token}`;
    await atServer().post("/orders").set("Authorization", auth).expect(201);

    await admin.removeScope("TRADER", "orders:write");
    try {
      const narrowed = ["orders:read", "positions:read"];
      await waitFor(async () => (await me(session.access_token)).body.scope?.length === 2, {
        timeoutMs: 3_000,
      });
      expect((await me(session.access_token).expect(200)).body.scope).toEqual(narrowed);

      // The token itself still claims orders:write; introspection answers what it may do now.
      const access = await introspect(session.access_token).expect(200);
      expect(access.body).toMatchObject({ active: true, sid: session.session_id, scope: narrowed.join(" ") });
      const refresh = await introspect(session.refresh_token).expect(200);
      expect(refresh.body).toMatchObject({ active: true, scope: narrowed.join(" ") });

      const feed = await api().get("/v1/revocations").set(basic()).expect(200);
      expect(feed.body.revocations).toContainEqual(
        expect.objectContaining({ sid: session.session_id, scope: narrowed.join(" ") }),
      );
      // A resource server reading that feed drops orders:write from the same, unchanged token.
      await waitFor(
        async () => (await atServer().post("/orders").set("Authorization", auth)).status === 403,
        { timeoutMs: 3_000, everyMs: 20 },
      );
      await atServer().get("/positions").set("Authorization", auth).expect(200);
    } finally {
      await admin.addScope("TRADER", "orders:write");
    }
  });

  it("J3: with the chain's RPC down and role sync stale, introspection and /v1/me answer 503 role_sync_stale like the guard, and recover", async () => {
    const session = await login(trader);
    const auth = `Bearer ${session.access_token}`;
    await introspect(session.access_token).expect(200);

    await sigil.chain.pause();
    try {
      await waitFor(async () => (await introspect(session.access_token)).status === 503, {
        timeoutMs: 10_000,
        everyMs: 50,
      });
      for (const response of [
        await introspect(session.access_token),
        await introspect(session.refresh_token),
        await me(session.access_token),
      ]) {
        expect([response.status, response.body.error]).toEqual([503, "role_sync_stale"]);
        expect(Object.keys(response.body).sort()).toEqual(["error", "message", "requestId"]);
      }
      await waitFor(
        async () => (await atServer().get("/positions").set("Authorization", auth)).status === 503,
        {
          timeoutMs: 10_000,
          everyMs: 50,
        },
      );
      const feed = await api().get("/v1/revocations").set(basic()).expect(200);
      expect(feed.body.roleSync[0].ageMs).toBeGreaterThan(2_500);
      // A token that is not active says so: staleness reveals nothing about unknown tokens.
      expect((await introspect("not-a-token").expect(200)).body).toEqual({ active: false });
      // Routes that need no scope still answer (signing out must work during an outage).
      await api().get("/v1/sessions").set("Authorization", auth).expect(200);
    } finally {
      await sigil.chain.resume();
    }
    await waitFor(async () => (await introspect(session.access_token)).status === 200, {
      timeoutMs: 10_000,
      everyMs: 50,
    });
    expect((await me(session.access_token).expect(200)).body.scope).toEqual([
      "orders:read",
      "orders:write",
      "positions:read",
    ]);
  });

  it("J9: the sigil:admin check of GET /v1/grants goes through the guard: 503 role_sync_stale while roles are stale, never an allow", async () => {
    const reader = await login(trader);
    // The last test of the file: the role stays granted (reverting the chain under a follower would be a reorg).
    await grantNewRole(sigil.chain, sigil.stack.registry, {
      name: "AUDITOR",
      scopes: ["sigil:admin"],
      holder: auditor.address,
    });
    const session = await login(auditor);
    expect(session.scope.split(" ")).toContain("sigil:admin");
    const auth = `Bearer ${session.access_token}`;
    // Each caller asks for the other wallet's grants.
    const others = (token: string) =>
      api()
        .get("/v1/grants")
        .query({
          subject: `eip155:31337:${token === reader.access_token ? auditor.address : trader.address}`,
        })
        .set("Authorization", `Bearer ${token}`);
    expect((await others(session.access_token).expect(200)).body.grants.length).toBeGreaterThan(0);
    expect((await others(reader.access_token)).status).toBe(403);

    await sigil.chain.pause();
    try {
      await waitFor(async () => (await others(session.access_token)).status === 503, {
        timeoutMs: 10_000,
        everyMs: 50,
      });
      const refused = await others(session.access_token);
      expect([refused.status, refused.body.error]).toEqual([503, "role_sync_stale"]);
      // As on every scope check, freshness comes first: a caller without the scope gets the same answer.
      expect((await others(reader.access_token)).status).toBe(503);
      // Its own grants need no scope and still answer.
      await api().get("/v1/grants").set("Authorization", auth).expect(200);
    } finally {
      await sigil.chain.resume();
    }
    await waitFor(async () => (await others(session.access_token)).status === 200, {
      timeoutMs: 10_000,
      everyMs: 50,
    });
  });
});
