// J6: rate-limit keys (IPv6 clients per /64) and the token endpoints' default limit.
import type { INestApplication } from "@nestjs/common";
import { createApp, loadConfig } from "../../apps/auth-api/src/index.js";
import { randomUUID } from "node:crypto";
import request from "supertest";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";

describe("J6: rate-limit keys and defaults", () => {
  let sigil: SigilTestEnvironment;
  beforeAll(async () => {
    sigil = await startSigil();
  });
  afterAll(() => sigil?.close());

  it("J6: IPv6 clients share one budget per /64, another /64 has its own; IPv4 clients are limited per address", async () => {
    const app = await sigil.createInstance({
      SIGIL_TRUSTED_PROXIES: "loopback",
      SIGIL_AUTH_RATE_LIMIT_IP: "2",
    });
    const nonceFrom = async (ip: string) =>
      (await request(app.getHttpServer()).get("/v1/auth/nonce").set("X-Forwarded-For", ip)).status;
    expect(await nonceFrom("2001:db8:1:2::1")).toBe(200);
    expect(await nonceFrom("2001:db8:1:2:ffff:eeee:dddd:9")).toBe(200);
    // Same /64 written differently (leading zeros, upper case): the budget is spent.
    expect(await nonceFrom("2001:0DB8:0001:0002::abcd")).toBe(429);
    expect(await nonceFrom("2001:db8:1:3::1")).toBe(200);
    expect(await nonceFrom("203.0.113.1")).toBe(200);
    expect(await nonceFrom("203.0.113.1")).toBe(200);
    expect(await nonceFrom("203.0.113.1")).toBe(429);
    expect(await nonceFrom("203.0.113.2")).toBe(200);
  });

  describe("with the configuration's defaults (SIGIL_RATE_LIMIT_API and SIGIL_RATE_LIMIT_TOKEN unset)", () => {
    let app: INestApplication;
    beforeAll(async () => {
      const env: Record<string, string> = { ...sigil.env };
      delete env.SIGIL_RATE_LIMIT_TOKEN;
      delete env.SIGIL_RATE_LIMIT_API;
      app = await createApp({
        config: loadConfig(env),
        dataSource: sigil.database.dataSource,
        logger: ["error"],
      });
      await app.init();
    });
    afterAll(() => app?.close());

    it("J6: bot token endpoints and /oauth/revoke share a per-client budget (60 per window): the next call is 429 rate_limited with Retry-After", async () => {
      const server = app.getHttpServer();
      const calls = [
        () => request(server).post(`/v1/delegations/${randomUUID()}/token`).send({}),
        () => request(server).post("/v1/api-keys/token").send({}),
        () => request(server).post("/oauth/revoke").send({ token: "not-a-token" }),
      ];
      const statuses: number[] = [];
      for (let i = 0; i < 60; i += 1) statuses.push((await calls[i % 3]!()).status);
      expect(statuses.filter((status) => status === 429)).toEqual([]);
      for (const call of calls) {
        const refused = await call();
        expect({ status: refused.status, error: refused.body.error }).toEqual({
          status: 429,
          error: "rate_limited",
        });
        expect(Object.keys(refused.body).sort()).toEqual(["error", "message", "requestId"]);
        expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      }
      // Sign-in routes and other callers' budgets are separate.
      await request(server).get("/v1/auth/nonce").expect(200);
    });
  });
});
