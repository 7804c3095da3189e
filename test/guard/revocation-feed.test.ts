import type { INestApplication } from "@nestjs/common";
import { SigilGuardHealth, type SigilGuardOptions } from "@sigil/guard";
import request from "supertest";
import { createGuardedApp } from "./support/guarded-app.js";
import { TestIssuer } from "./support/test-issuer.js";
import { sleep, waitFor } from "./support/wait.js";

const INTERVAL_MS = 100;
const STALENESS_MS = 400;

describe("revocation feed", () => {
  let issuer: TestIssuer;
  const apps: INestApplication[] = [];

  beforeEach(async () => {
    issuer = await TestIssuer.start();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await issuer.close();
  });

  async function start(overrides: Partial<SigilGuardOptions> = {}) {
    const app = await createGuardedApp({
      ...issuer.guardOptions({ intervalMs: INTERVAL_MS, maxStalenessMs: STALENESS_MS }),
      ...overrides,
    });
    apps.push(app);
    const get = (token: string) =>
      request(app.getHttpServer()).get("/me").set("Authorization", `Bearer ${token}`);
    return { app, get };
  }

  it("B7: a session published on the feed is refused within intervalMs + slack, on a cached token", async () => {
    const { get } = await start();
    const token = issuer.sign({ sid: "sess-revoked" });
    const bystander = issuer.sign({ sid: "sess-kept" });
    await get(token).expect(200);
    await get(bystander).expect(200);

    issuer.revoke("sess-revoked");
    const waited = await waitFor(async () => (await get(token)).status === 401, { everyMs: 5 });
    expect(waited).toBeLessThanOrEqual(INTERVAL_MS + 400);

    const refused = await get(token).expect(401);
    expect(refused.body).toEqual({ error: "invalid_token", message: "session revoked" });
    expect(refused.headers["www-authenticate"]).toBe('Bearer error="invalid_token"');
    await get(bystander).expect(200);
    // A fresh token of the revoked session is refused as well: the session is what is revoked.
    await get(issuer.sign({ sid: "sess-revoked" })).expect(401);
  });

  it("learns revocations made before it started (the feed's full window)", async () => {
    issuer.revoke("sess-old");
    const { get } = await start();
    await get(issuer.sign({ sid: "sess-old" })).expect(401);
  });

  it("catches up page after page in one poll (the auth-api answers 1000 at a time)", async () => {
    issuer.feed.pageSize = 2;
    for (let i = 0; i < 7; i += 1) issuer.revoke(`sess-${i}`);
    const { get, app } = await start();
    expect(app.get(SigilGuardHealth).status().revocations.revokedSessions).toBe(7);
    for (let i = 0; i < 7; i += 1) await get(issuer.sign({ sid: `sess-${i}` })).expect(401);
  });

  it("starts over from the full window when the issuer refuses its cursor (400)", async () => {
    const { get } = await start();
    issuer.feed.rejectCursors = true;
    const token = issuer.sign({ sid: "sess-lost-cursor" });
    issuer.revoke("sess-lost-cursor");
    // Every other poll is refused here (each cursor is), so on a loaded machine the feed can go
    // stale (503) between its successes: allow more than the default 3 s to see the 401.
    await waitFor(async () => (await get(token)).status === 401, { timeoutMs: 10_000 });
    await get(issuer.sign({ sid: "sess-other" })).expect(200);
  });

  it("authenticates to the feed with form-encoded client credentials over HTTP Basic (RFC 6749 §2.3.1)", async () => {
    await start();
    const expected = Buffer.from(`${issuer.clientId}:${encodeURIComponent(issuer.clientSecret)}`).toString(
      "base64",
    );
    expect(issuer.feed.lastAuthorization).toBe(`Basic ${expected}`);
  });

  it("feed unreachable past its max staleness: 503 revocation_feed_stale (fail closed), then recovery", async () => {
    const { get, app } = await start();
    const token = issuer.sign({ sid: "sess-a" });
    await get(token).expect(200);

    issuer.feed.mode = "drop";
    await sleep(INTERVAL_MS); // within the staleness budget, still serving
    await get(token).expect(200);
    await waitFor(async () => (await get(token)).status === 503, { timeoutMs: STALENESS_MS + 500 });
    const stale = await get(token).expect(503);
    expect(stale.body).toEqual({ error: "revocation_feed_stale", message: expect.any(String) });
    expect(stale.headers["retry-after"]).toBe("1");
    await request(app.getHttpServer()).get("/public").expect(200);
    // Bad tokens are still 401: staleness is checked only for tokens that verify.
    await get("garbage").expect(401);
    expect(app.get(SigilGuardHealth).status()).toMatchObject({ ready: false, revocations: { fresh: false } });

    issuer.revoke("sess-a"); // revoked during the outage: must be applied when the feed returns
    issuer.feed.mode = "up";
    await waitFor(async () => (await get(token)).status !== 503);
    await get(token).expect(401);
    await get(issuer.sign({ sid: "sess-b" })).expect(200);
  });

  it("feed down at boot: protected routes answer 503 until its first answer", async () => {
    issuer.feed.mode = "error";
    const { get } = await start();
    const token = issuer.sign();
    const response = await get(token).expect(503);
    expect(response.body.error).toBe("revocation_feed_stale");
    issuer.feed.mode = "up";
    await waitFor(async () => (await get(token)).status === 200);
  });

  it("wrong client credentials never make the feed current, so protected routes fail closed", async () => {
    const options = issuer.guardOptions({ intervalMs: INTERVAL_MS, maxStalenessMs: STALENESS_MS });
    const { get } = await start({ revocations: { ...options.revocations, clientSecret: "wrong" } });
    expect((await get(issuer.sign())).body.error).toBe("revocation_feed_stale");
  });

  it("forgets a revoked session after its expiresAt plus the clock tolerance", async () => {
    const { app } = await start({ clockToleranceSeconds: 0 });
    const health = app.get(SigilGuardHealth);
    issuer.revoke("sess-short", new Date(Date.now() + 300));
    issuer.revoke("sess-long");
    await waitFor(() => health.status().revocations.revokedSessions === 2);
    await waitFor(() => health.status().revocations.revokedSessions === 1, { timeoutMs: 1500 });
  });

  it("without a feed configured, revocations are not checked and the guard never goes stale", async () => {
    const { revocations: _none, ...withoutFeed } = issuer.guardOptions();
    const { get, app } = await start({ ...withoutFeed, revocations: undefined });
    issuer.feed.mode = "drop";
    await sleep(50);
    await get(issuer.sign()).expect(200);
    expect(app.get(SigilGuardHealth).status()).toMatchObject({
      ready: true,
      revocations: { enabled: false, fresh: true },
    });
    expect(issuer.feed.requests).toBe(0);
  });
});
