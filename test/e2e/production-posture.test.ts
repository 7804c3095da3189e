import type { INestApplication } from "@nestjs/common";
import { createApp, loadConfig } from "../../apps/auth-api/src/index.js";
import { ConfigInvalidError } from "@sigil/core";
import { describeDatabase } from "@sigil/persistence";
import { randomBytes } from "node:crypto";
import request from "supertest";
import { createTestDataSource, type TestDataSource } from "../fixtures/database.js";
import { freePort } from "../fixtures/free-port.js";

const METRICS_TOKEN = randomBytes(24).toString("base64url");

/** J9: what an auth-api started with SIGIL_ENV=production exposes, and to whom. */
describe("production posture", () => {
  let database: TestDataSource;
  let env: Record<string, string>;
  const apps: INestApplication[] = [];

  async function start(overrides: Record<string, string> = {}): Promise<INestApplication> {
    const app = await createApp({
      config: loadConfig({ ...env, ...overrides }),
      dataSource: database.dataSource,
      logger: false,
    });
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    database = await createTestDataSource();
    // Production refuses the Hardhat chain, so the chain here is one nobody answers for (readiness: down).
    const rpcPort = await freePort();
    env = {
      SIGIL_ENV: "production",
      // Named as production requires; the app runs on the test's data source.
      DATABASE_URL: "postgres://sigil@db.internal:5432/sigil",
      SIGIL_ISSUER: "https://sigil.example",
      SIGIL_KEK: randomBytes(32).toString("base64"),
      SIGIL_CHAINS: JSON.stringify([
        {
          chainId: 1,
          rpcUrls: [`http://127.0.0.1:${rpcPort}`],
          registry: "0x1111111111111111111111111111111111111111",
          timeoutMs: 500,
        },
      ]),
      SIGIL_METRICS_TOKEN: METRICS_TOKEN,
      SIGIL_ROLE_SYNC: "false",
      SIGIL_LOG_LEVEL: "silent",
    };
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await database?.destroy();
  });

  it("J9: production refuses to start without SIGIL_METRICS_TOKEN; /metrics then needs it", async () => {
    let refusal: unknown;
    try {
      loadConfig({ ...env, SIGIL_METRICS_TOKEN: "" });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConfigInvalidError);
    expect((refusal as ConfigInvalidError).details).toMatchObject({ key: "SIGIL_METRICS_TOKEN" });
    const app = await start();
    const refused = await request(app.getHttpServer()).get("/metrics").expect(401);
    expect(refused.body.error).toBe("unauthorized");
    await request(app.getHttpServer())
      .get("/metrics")
      .set("Authorization", `Bearer ${METRICS_TOKEN}`)
      .expect(200);
  });

  it("J9: /health/ready names no database user, host or database, nor the RPC URL", async () => {
    const app = await start();
    const response = await request(app.getHttpServer()).get("/health/ready");
    expect(response.status).toBe(503); // nobody answers for the chain
    expect(response.body.details.database).toEqual({ status: "up", kind: database.kind });
    const text = JSON.stringify(response.body);
    const { location } = describeDatabase(database.dataSource);
    expect(text).not.toContain(location);
    const url = (database.dataSource.options as { url?: string }).url;
    if (url !== undefined) {
      const { username, hostname, pathname } = new URL(url);
      // The user name is often "postgres", as is the kind: look for it as a URL would write it.
      for (const detail of [`${username}@`, hostname, pathname.slice(1)]) expect(text).not.toContain(detail);
    }
    expect(text).not.toContain(JSON.parse(env.SIGIL_CHAINS!)[0].rpcUrls[0]);
  });

  it("J9: the API docs are off by default and served when SIGIL_API_DOCS=true", async () => {
    const off = await start();
    for (const path of ["/docs", "/docs/", "/openapi.json", "/docs-yaml"]) {
      const response = await request(off.getHttpServer()).get(path);
      expect([path, response.status, response.body.error]).toEqual([path, 404, "not_found"]);
    }
    const on = await start({ SIGIL_API_DOCS: "true" });
    const document = await request(on.getHttpServer()).get("/openapi.json").expect(200);
    expect(document.body.paths["/v1/me"]).toBeDefined();
    await request(on.getHttpServer()).get("/docs").expect(200);
  });
});
