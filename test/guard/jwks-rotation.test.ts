import type { INestApplication } from "@nestjs/common";
import type { SigilGuardOptions } from "@sigil/guard";
import { generateSigningKey } from "@sigil/sessions";
import request from "supertest";
import { createGuardedApp } from "./support/guarded-app.js";
import { TestIssuer } from "./support/test-issuer.js";
import { sleep, waitFor } from "./support/wait.js";

const COOLDOWN_MS = 100;

describe("JWKS caching, refetch and rotation", () => {
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
      ...issuer.guardOptions(),
      jwksCooldownMs: COOLDOWN_MS,
      jwksRefreshIntervalMs: 60_000,
      ...overrides,
    });
    apps.push(app);
    return (token: string) => request(app.getHttpServer()).get("/me").set("Authorization", `Bearer ${token}`);
  }

  it("fetches the JWKS once at boot and verifies offline afterwards", async () => {
    const get = await start();
    expect(issuer.jwks.requests).toBe(1);
    for (let i = 0; i < 5; i += 1) await get(issuer.sign()).expect(200);
    expect(issuer.jwks.requests).toBe(1);
  });

  it("B10: an unknown kid causes one refetch and is accepted when the issuer now publishes it", async () => {
    const get = await start();
    const rotated = issuer.publishNewKey();
    const before = issuer.jwks.requests;
    await get(issuer.sign({ key: rotated })).expect(200);
    await get(issuer.sign({ key: rotated })).expect(200);
    expect(issuer.jwks.requests - before).toBe(1);
  });

  it("an unknown kid the issuer does not publish costs one refetch, then 401", async () => {
    const get = await start();
    const before = issuer.jwks.requests;
    const response = await get(issuer.sign({ key: generateSigningKey({ now: new Date() }) })).expect(401);
    expect(response.body.error).toBe("invalid_token");
    expect(response.headers["www-authenticate"]).toBe('Bearer error="invalid_token"');
    expect(issuer.jwks.requests - before).toBe(1);
  });

  it("B2: a burst of 100 bogus kids causes at most one refetch", async () => {
    // A cooldown far longer than the burst takes, however loaded the machine running the test.
    const get = await start({ jwksCooldownMs: 60_000 });
    const before = issuer.jwks.requests;
    const bogus = Array.from({ length: 100 }, () =>
      issuer.sign({ key: generateSigningKey({ now: new Date() }) }),
    );
    const responses = await Promise.all(bogus.map((token) => get(token)));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(401));
    expect(issuer.jwks.requests - before).toBe(1);
    // And a second wave inside the cooldown costs nothing more.
    await Promise.all(bogus.slice(0, 20).map((token) => get(token).expect(401)));
    expect(issuer.jwks.requests - before).toBe(1);
  });

  it("B10: rotation published before use causes no spurious 401 under load", async () => {
    const get = await start({ jwksRefreshIntervalMs: 50 });
    const old = issuer.signer;
    const next = issuer.publishNewKey();
    await sleep(200); // publish-before-use: longer than the guard's refresh interval
    issuer.signer = next;
    const tokens = Array.from({ length: 200 }, (_, i) => issuer.sign({ key: i % 2 === 0 ? next : old }));
    const statuses = (await Promise.all(tokens.map((token) => get(token)))).map((r) => r.status);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });

  it("a key withdrawn from the JWKS stops admitting tokens, including cached ones", async () => {
    const get = await start({ jwksRefreshIntervalMs: 50 });
    const token = issuer.sign();
    await get(token).expect(200);
    const successor = issuer.publishNewKey();
    issuer.published.delete(issuer.signer.kid);
    issuer.signer = successor;
    await waitFor(async () => (await get(token)).status === 401);
    await get(issuer.sign()).expect(200);
  });

  it("JWKS down at boot: protected routes answer 503 jwks_unavailable, public ones work, then it recovers", async () => {
    issuer.jwks.mode = "drop";
    const get = await start();
    const token = issuer.sign();
    const response = await get(token).expect(503);
    expect(response.body).toEqual({ error: "jwks_unavailable", message: expect.any(String) });
    expect(response.headers["retry-after"]).toBe("1");
    expect(response.headers["www-authenticate"]).toBeUndefined();
    await request(apps[0]!.getHttpServer()).get("/public").expect(200);
    // Bad tokens are still told so: only a verifiable token waits for keys.
    await get("garbage").expect(401);

    issuer.jwks.mode = "up";
    await waitFor(async () => (await get(token)).status === 200, { everyMs: 25 });
  });

  it("JWKS failing with keys cached: known keys still verify; an unknown kid is 503, not 401", async () => {
    const get = await start();
    issuer.jwks.mode = "error";
    await get(issuer.sign()).expect(200);
    const rotated = issuer.publishNewKey();
    const response = await get(issuer.sign({ key: rotated })).expect(503);
    expect(response.body.error).toBe("jwks_unavailable");
    issuer.jwks.mode = "up";
    await waitFor(async () => (await get(issuer.sign({ key: rotated }))).status === 200, { everyMs: 25 });
  });
});
