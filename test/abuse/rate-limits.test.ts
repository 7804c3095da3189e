// SECURITY-TESTS F1 (atomic across instances), F3 (headers, weights, bans), F4 (Redis down never
// opens the limits) and E3 (untrusted X-Forwarded-For cannot change the rate-limit key).
import type { INestApplication } from "@nestjs/common";
import { randomBytes } from "node:crypto";
import request from "supertest";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { type OwnRedis, redisServerInstalled, startOwnRedis } from "./support/redis-server.js";

const prefix = () => `sigil-test-${randomBytes(6).toString("hex")}`;

async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, "127.0.0.1");
  const { port } = app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

/** Polls readiness until the instance reports its limits as `shared` (Redis) or `per_instance`. */
async function waitForRedis(app: INestApplication, limits: string) {
  for (let i = 0; i < 100; i += 1) {
    const { body } = await request(app.getHttpServer()).get("/health/ready");
    if (body.details?.redis?.limits === limits) return body.details.redis;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`redis never reported limits=${limits}`);
}

/** A login attempt with a malformed body: the limit is checked before validation. */
const badLogin = (app: INestApplication) =>
  request(app.getHttpServer()).post("/v1/auth/login").send({ message: "x", signature: "0x00" });

describe("F3 and E3: limits, headers, bans and client keys", () => {
  let sigil: SigilTestEnvironment;
  beforeAll(async () => {
    sigil = await startSigil({ SIGIL_AUTH_RATE_LIMIT_IP: "3", SIGIL_RATE_LIMIT_BAN_THRESHOLD: "0" });
  });
  afterAll(() => sigil?.close());

  it("F3: RateLimit-* headers count down, and the request over the limit is 429 with Retry-After", async () => {
    const app = await sigil.createInstance({ SIGIL_AUTH_RATE_LIMIT_IP: "3" });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await request(app.getHttpServer()).get("/v1/auth/nonce").expect(200);
      expect(response.headers["ratelimit-limit"]).toBe("3");
      expect(Number(response.headers["ratelimit-reset"])).toBeGreaterThan(0);
      remaining.push(String(response.headers["ratelimit-remaining"]));
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const refused = await request(app.getHttpServer()).get("/v1/auth/nonce").expect(429);
    expect(refused.body.error).toBe("rate_limited");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(60);
  });

  it("F3: route weights: /health/ready costs 5 points of the per-caller API limit", async () => {
    const app = await sigil.createInstance({ SIGIL_RATE_LIMIT_API: "10", SIGIL_AUTH_RATE_LIMIT_IP: "0" });
    await request(app.getHttpServer()).get("/health/ready").expect(200);
    await request(app.getHttpServer()).get("/health/ready").expect(200);
    const refused = await request(app.getHttpServer()).get("/health/ready").expect(429);
    expect(refused.body.error).toBe("rate_limited");
    // Weight 1 routes still fit in what is left of another caller's budget, not this one's.
    await request(app.getHttpServer()).get("/health/live").expect(429);
  });

  it("F3: repeated violations earn a ban, and the next ban is twice as long", async () => {
    const app = await sigil.createInstance({
      SIGIL_AUTH_RATE_LIMIT_IP: "2",
      SIGIL_RATE_LIMIT_BAN_THRESHOLD: "2",
      SIGIL_RATE_LIMIT_BAN_SECONDS: "1",
    });
    const statuses: number[] = [];
    let banned: request.Response | undefined;
    for (let i = 0; i < 5; i += 1) {
      const response = await badLogin(app);
      statuses.push(response.status);
      if (/banned/.test(response.body.message)) banned = response;
    }
    expect(statuses.slice(0, 2)).not.toContain(429);
    expect(statuses.slice(2)).toEqual([429, 429, 429]);
    expect(banned?.headers["retry-after"]).toBe("1");
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Still over the window's limit: three more violations, then a 2-second ban.
    const second = [];
    for (let i = 0; i < 3; i += 1) second.push(await badLogin(app));
    expect(second.map((response) => response.status)).toEqual([429, 429, 429]);
    expect(second.at(-1)!.body.message).toMatch(/temporarily banned/);
    expect(second.at(-1)!.headers["retry-after"]).toBe("2");
    const bans = (await sigil.database.dataSource.query(
      `SELECT data FROM audit_events WHERE type = 'security.ban' ORDER BY id`,
    )) as { data: { details: { seconds: number; banNumber: number } } }[];
    expect(bans.map((row) => row.data.details.seconds)).toEqual([1, 2]);
  });

  it("E3: without trusted proxies, X-Forwarded-For cannot change the rate-limit key", async () => {
    const app = await sigil.createInstance({ SIGIL_AUTH_RATE_LIMIT_IP: "3" });
    const statuses = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await request(app.getHttpServer())
        .get("/v1/auth/nonce")
        .set("X-Forwarded-For", `198.51.100.${i + 1}`);
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it("E3: behind a trusted proxy the client is the proxy's hop; prepended addresses do not change it", async () => {
    const app = await sigil.createInstance({
      SIGIL_AUTH_RATE_LIMIT_IP: "2",
      SIGIL_TRUSTED_PROXIES: "loopback",
    });
    const as = (forwarded: string) =>
      request(app.getHttpServer()).get("/v1/auth/nonce").set("X-Forwarded-For", forwarded);
    expect((await as("203.0.113.7")).status).toBe(200);
    expect((await as("10.9.9.9, 203.0.113.7")).status).toBe(200);
    expect((await as("192.0.2.55, 203.0.113.7")).status).toBe(429);
    expect((await as("203.0.113.8")).status).toBe(200);
  });
});

/** TEST_REDIS_URL when set (CI), else a private redis-server when one is installed. */
const sharedRedisAvailable = Boolean(process.env.TEST_REDIS_URL) || redisServerInstalled;
const describeWithRedis = sharedRedisAvailable ? describe : describe.skip;
if (!sharedRedisAvailable) console.warn("F1 skipped: neither TEST_REDIS_URL nor /usr/bin/redis-server");

describeWithRedis("F1: atomic limits across three instances sharing Redis", () => {
  let sigil: SigilTestEnvironment;
  let own: OwnRedis | undefined;

  beforeAll(async () => {
    own = process.env.TEST_REDIS_URL ? undefined : await startOwnRedis();
    sigil = await startSigil({
      REDIS_URL: process.env.TEST_REDIS_URL ?? own!.url,
      SIGIL_REDIS_PREFIX: prefix(),
      SIGIL_AUTH_RATE_LIMIT_IP: "5",
      // 5 per 60 s: the same atomic counter as 5/s, but the whole burst (2.5 s idle, 14 s seen on
      // this shared 2-core machine under load) falls inside one window, so "at most 5 (+1)" is exact.
      SIGIL_AUTH_RATE_LIMIT_WINDOW: "60",
      SIGIL_RATE_LIMIT_BAN_THRESHOLD: "0",
    });
  });
  afterAll(async () => {
    await sigil?.close();
    await own?.stop();
  });

  it("F1: 1,000 concurrent requests over 3 instances against a limit of 5 per window: at most 6 pass", async () => {
    const apps = [sigil.app, await sigil.createInstance(), await sigil.createInstance()];
    const urls = await Promise.all(apps.map(listen));
    // Until its connection is ready an instance limits on its own (fallback): wait for all three.
    for (const app of apps) await waitForRedis(app, "shared");
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        fetch(`${urls[i % 3]}/v1/auth/nonce`).then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        }),
      ),
    );
    const elapsedMs = Date.now() - started;
    const passed = statuses.filter((status) => status === 200).length;
    const refused = statuses.filter((status) => status === 429).length;
    console.log(`F1: ${passed} passed, ${refused} refused in ${elapsedMs} ms`);
    expect(passed + refused).toBe(1_000);
    expect(elapsedMs).toBeLessThan(60_000);
    expect(passed).toBeGreaterThanOrEqual(1);
    expect(passed).toBeLessThanOrEqual(6);
  });
});

const describeWithOwnRedis = redisServerInstalled ? describe : describe.skip;
if (!redisServerInstalled) console.warn("F4 skipped: /usr/bin/redis-server is not installed");

describeWithOwnRedis("F4: Redis stopped mid-test", () => {
  let sigil: SigilTestEnvironment;
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = await startOwnRedis();
    sigil = await startSigil({
      REDIS_URL: redis.url,
      SIGIL_REDIS_PREFIX: prefix(),
      SIGIL_AUTH_RATE_LIMIT_IP: "5",
      SIGIL_RATE_LIMIT_BAN_THRESHOLD: "0",
    });
  });
  afterAll(async () => {
    await sigil?.close();
    await redis?.stop();
  });

  const attempts = async (app: INestApplication, count: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < count; i += 1) statuses.push((await badLogin(app)).status);
    return statuses;
  };

  it("F4: logins stay limited per instance while Redis is down (never open), and shared again after", async () => {
    const second = await sigil.createInstance();
    await waitForRedis(sigil.app, "shared");
    await waitForRedis(second, "shared");
    // Shared: 5 across both instances.
    const shared = [...(await attempts(sigil.app, 4)), ...(await attempts(second, 4))];
    expect(shared.filter((status) => status !== 429)).toHaveLength(5);

    await redis.stop();
    await waitForRedis(sigil.app, "per_instance");
    const down = [await attempts(sigil.app, 8), await attempts(second, 8)];
    for (const statuses of down) {
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      expect(statuses.filter((status) => status !== 429)).toHaveLength(5);
    }
    const metrics = await request(sigil.app.getHttpServer()).get("/metrics").expect(200);
    expect(metrics.text).toMatch(/sigil_rate_limit_fallbacks_total\{limiter="auth_ip"\} [1-9]/);

    await redis.start();
    await waitForRedis(sigil.app, "shared");
    await waitForRedis(second, "shared");
    const recovered = [...(await attempts(sigil.app, 4)), ...(await attempts(second, 4))];
    expect(recovered.filter((status) => status !== 429)).toHaveLength(5);
  });
});
