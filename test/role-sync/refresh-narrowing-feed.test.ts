import type { INestApplication } from "@nestjs/common";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { guardOptionsFor } from "../fixtures/example-venue.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { basic } from "../e2e/support/http.js";
import { createGuardedApp } from "../guard/support/guarded-app.js";
import { waitFor } from "../guard/support/wait.js";
import { registryAdmin } from "./support/registry-admin.js";

const trader = devAccount(DevAccountIndex.trader);

/**
 * J3: a refresh that reads a scope's removal before the chain follower applies it (here the follower
 * is off) narrows the session's earlier tokens on the revocation feed too, not only at Sigil.
 */
describe("a refresh that narrows a session", () => {
  let sigil: SigilTestEnvironment;
  let resourceServer: INestApplication;
  const api = () => request(sigil.app.getHttpServer());

  beforeAll(async () => {
    sigil = await startSigil();
    await sigil.app.listen(0, "127.0.0.1");
    resourceServer = await createGuardedApp(
      guardOptionsFor(sigil, await sigil.app.getUrl(), { intervalMs: 100, longPollMs: 1_000 }),
    );
  });

  afterAll(async () => {
    await resourceServer?.close();
    await sigil?.close();
  });

  it("J3: writes a narrowing entry to the revocation feed, so resource servers narrow the older tokens", async () => {
    const login = await signIn({ app: sigil.app, account: trader });
    expect(login.status).toBe(200);
    const { access_token: before, refresh_token, session_id } = login.body;
    const auth = `Bearer ${before}`;
    await request(resourceServer.getHttpServer()).post("/orders").set("Authorization", auth).expect(201);

    await registryAdmin(sigil.chain, sigil.stack.registry).removeScope("TRADER", "orders:write");
    const refreshed = await api().post("/v1/auth/refresh").send({ refresh_token }).expect(200);
    expect(refreshed.body.scope).toBe("orders:read positions:read");

    const feed = await api().get("/v1/revocations").set(basic()).expect(200);
    expect(feed.body.revocations).toEqual([
      expect.objectContaining({
        sid: session_id,
        reason: "scope_removed",
        scope: "orders:read positions:read",
      }),
    ]);
    await waitFor(
      async () =>
        (await request(resourceServer.getHttpServer()).post("/orders").set("Authorization", auth)).status ===
        403,
      { timeoutMs: 3_000 },
    );
    await request(resourceServer.getHttpServer()).get("/positions").set("Authorization", auth).expect(200);
  });

  it("J3: a refresh that keeps every scope adds nothing to the feed", async () => {
    const cursor = (await api().get("/v1/revocations").set(basic()).expect(200)).body.cursor;
    const login = await signIn({ app: sigil.app, account: devAccount(DevAccountIndex.viewer) });
    await api().post("/v1/auth/refresh").send({ refresh_token: login.body.refresh_token }).expect(200);
    const feed = await api().get(`/v1/revocations?after=${cursor}`).set(basic()).expect(200);
    expect(feed.body.revocations).toEqual([]);
  });
});
