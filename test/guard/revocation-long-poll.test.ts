import type { INestApplication } from "@nestjs/common";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { guardOptionsFor } from "../fixtures/example-venue.js";
import { basic } from "../e2e/support/http.js";
import { createGuardedApp } from "./support/guarded-app.js";
import { waitFor } from "./support/wait.js";

/** The revocation feed as a long poll: held open while empty, answered as soon as a revocation is written. */
describe("revocation feed long poll", () => {
  let sigil: SigilTestEnvironment;
  let server: INestApplication;
  const api = () => request(sigil.app.getHttpServer());

  beforeAll(async () => {
    sigil = await startSigil();
    await sigil.app.listen(0, "127.0.0.1");
    const url = await sigil.app.getUrl();
    server = await // A slow interval: only the long poll can make revocations arrive quickly.
    createGuardedApp(
      guardOptionsFor(sigil, url, { intervalMs: 5_000, maxStalenessMs: 20_000, longPollMs: 5_000 }),
    );
  });

  afterAll(async () => {
    await server?.close();
    await sigil?.close();
  });

  it("holds an empty answer up to `wait`, and rejects a wait that is not 0..25000 ms", async () => {
    const { cursor } = (await api().get("/v1/revocations").set(basic()).expect(200)).body;
    const started = performance.now();
    const empty = await api().get(`/v1/revocations?after=${cursor}&wait=400`).set(basic()).expect(200);
    expect(empty.body.revocations).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(380);
    for (const wait of ["-1", "25001", "abc", "1e3"]) {
      const bad = await api().get(`/v1/revocations?after=${cursor}&wait=${wait}`).set(basic());
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe("invalid_request");
    }
  });

  it("a steady stream of revocations never leaves a long-polling guard stale (each answer says whether more follow)", async () => {
    const url = await sigil.app.getUrl();
    const strict = await createGuardedApp(
      guardOptionsFor(sigil, url, { intervalMs: 500, maxStalenessMs: 1_500, longPollMs: 1_000 }),
    );
    try {
      const keep = await signIn({ app: sigil.app, account: devAccount(DevAccountIndex.viewer) });
      const auth = `Bearer ${keep.body.access_token}`;
      const statuses = new Set<number>();
      const until = performance.now() + 4_000;
      while (performance.now() < until) {
        // Another session ends every few hundred ms: the feed never answers an empty page.
        const other = await signIn({ app: sigil.app, account: devAccount(DevAccountIndex.noRole) });
        await api()
          .post("/v1/auth/logout")
          .set("Authorization", `Bearer ${other.body.access_token}`)
          .expect(204);
        statuses.add(
          (await request(strict.getHttpServer()).get("/positions").set("Authorization", auth)).status,
        );
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      expect([...statuses]).toEqual([200]);
    } finally {
      await strict.close();
    }
  });

  it("B7: a logout reaches a long-polling resource server within a few hundred ms, far inside its 5 s interval", async () => {
    const login = await signIn({ app: sigil.app, account: devAccount(DevAccountIndex.trader) });
    const auth = `Bearer ${login.body.access_token}`;
    await request(server.getHttpServer()).get("/positions").set("Authorization", auth).expect(200);
    // Let the guard settle into a held request.
    await new Promise((resolve) => setTimeout(resolve, 300));

    await api().post("/v1/auth/logout").set("Authorization", auth).expect(204);
    const refusedAfter = await waitFor(
      async () =>
        (await request(server.getHttpServer()).get("/positions").set("Authorization", auth)).status === 401,
      { timeoutMs: 6_000, everyMs: 10 },
    );
    expect(refusedAfter).toBeLessThan(500);
  });
});
