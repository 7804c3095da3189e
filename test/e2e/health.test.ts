import type { INestApplication } from "@nestjs/common";
import { createApp, loadConfig } from "../../apps/auth-api/src/index.js";
import { deployAccessStack, DevAccountIndex } from "@sigil/chain/dev";
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import request from "supertest";
import { createTestDataSource, type TestDataSource } from "../fixtures/database.js";
import { type LocalChain, startLocalChain } from "../fixtures/local-chain.js";

describe("health and the error contract over HTTP", () => {
  let chain: LocalChain;
  let database: TestDataSource;
  let app: INestApplication;

  beforeAll(async () => {
    chain = await startLocalChain();
    const { registry } = await deployAccessStack({
      publicClient: chain.publicClient,
      walletClient: chain.wallet(DevAccountIndex.admin),
      governance: false,
    });
    database = await createTestDataSource();
    const config = loadConfig({
      SIGIL_ENV: "test",
      SIGIL_KEK: randomBytes(32).toString("base64"),
      SIGIL_CHAINS: JSON.stringify([
        { chainId: 31337, name: "local", rpcUrls: [chain.url], registry, timeoutMs: 1000 },
      ]),
    });
    app = await createApp({ config, dataSource: database.dataSource, logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await database?.destroy();
    await chain?.stop();
  });

  it("GET /health/live answers while the process runs, with no ETag or X-Powered-By header", async () => {
    const response = await request(app.getHttpServer()).get("/health/live").expect(200, { status: "ok" });
    expect(response.headers.etag).toBeUndefined();
    expect(response.headers["x-powered-by"]).toBeUndefined();
  });

  it("GET /health/ready reports the database and the chain with its block and registry", async () => {
    const response = await request(app.getHttpServer()).get("/health/ready").expect(200);
    expect(response.body.status).toBe("ok");
    expect(response.body.details.database).toMatchObject({ status: "up", kind: database.kind });
    const latest = await chain.publicClient.getBlock();
    expect(response.body.details["chain:31337"]).toMatchObject({
      status: "up",
      blockNumber: latest.number.toString(),
      blockHash: latest.hash,
    });
  });

  it("GET /health/ready answers 503 naming the chain as down while its RPC is stopped, then recovers", async () => {
    await chain.pause();
    try {
      const response = await request(app.getHttpServer()).get("/health/ready").expect(503);
      expect(response.body.status).toBe("error");
      expect(response.body.details.database.status).toBe("up");
      expect(response.body.details["chain:31337"]).toEqual({ status: "down", error: "rpc_unavailable" });
    } finally {
      await chain.resume();
    }
    await request(app.getHttpServer()).get("/health/ready").expect(200);
  });

  it("E5: an unknown route is a 404 with a stable code and request id, no stack", async () => {
    const response = await request(app.getHttpServer()).get("/v1/nowhere").expect(404);
    expect(Object.keys(response.body).sort()).toEqual(["error", "message", "requestId"]);
    expect(response.body.error).toBe("not_found");
    expect(response.body.requestId).toBe(response.headers["x-request-id"]);
    expect(JSON.stringify(response.body)).not.toMatch(/\bat .*\.(js|ts):\d+/);
  });

  it("keeps a well-formed X-Request-Id and replaces one that could inject into logs", async () => {
    const kept = await request(app.getHttpServer()).get("/health/live").set("X-Request-Id", "lb-1234abcd");
    expect(kept.headers["x-request-id"]).toBe("lb-1234abcd");
    const replaced = await request(app.getHttpServer())
      .get("/health/live")
      .set("X-Request-Id", 'id with spaces\t{"level":"fatal"}');
    expect(replaced.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("E3: a body over the cap is 413 payload_too_large", async () => {
    const response = await request(app.getHttpServer())
      .post("/health/live")
      .set("content-type", "application/json")
      .send(JSON.stringify({ pad: "x".repeat(20_000) }))
      .expect(413);
    expect(response.body.error).toBe("payload_too_large");
  });

  it("E5: a malformed JSON body is 400 invalid_request with the request id, not echoed back", async () => {
    const response = await request(app.getHttpServer())
      .post("/v1/auth/challenge")
      .set("content-type", "application/json")
      .send('{"address": "0x12')
      .expect(400);
    expect(Object.keys(response.body).sort()).toEqual(["error", "message", "requestId"]);
    expect(response.body.error).toBe("invalid_request");
    expect(response.body.requestId).toBe(response.headers["x-request-id"]);
    expect(response.body.message).not.toContain("0x12");
  });

  const CHALLENGE = { address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", chainId: 31337 };

  it.each([
    {
      case: "a content type the API does not take",
      type: "application/xml",
      body: "<address>0x12</address>",
    },
    // Not read as a string and then refused by validation (400).
    { case: "text/plain", type: "text/plain", body: JSON.stringify(CHALLENGE) },
    // A form is taken only by the OAuth endpoints; elsewhere it is not parsed and refused by
    // validation (400), whatever its case or parameters.
    {
      case: "a form on a JSON route",
      type: "Application/X-WWW-Form-Urlencoded; charset=utf-8",
      body: `address=${CHALLENGE.address}&chainId=${CHALLENGE.chainId}`,
    },
    // Not parsed as malformed JSON (400).
    {
      case: "gzip-encoded JSON",
      type: "application/json",
      encoding: "gzip",
      body: gzipSync(JSON.stringify(CHALLENGE)),
    },
  ])(
    "E5: a body in $case is 415 unsupported_media_type with the request id",
    async ({ type, encoding, body }) => {
      let post = request(app.getHttpServer()).post("/v1/auth/challenge").set("content-type", type);
      if (encoding) post = post.set("content-encoding", encoding);
      const response = await post.send(body).expect(415);
      expect(response.body.error).toBe("unsupported_media_type");
      expect(response.body.requestId).toBe(response.headers["x-request-id"]);
    },
  );

  it("a body marked Content-Encoding: identity is the ordinary request", async () => {
    await request(app.getHttpServer())
      .post("/v1/auth/challenge")
      .set("content-encoding", "identity")
      .send(CHALLENGE)
      .expect(200);
  });

  it("the OAuth endpoints take forms, and the OpenAPI document says so for them only", async () => {
    const revoked = await request(app.getHttpServer())
      .post("/oauth/revoke")
      .set("content-type", "application/x-www-form-urlencoded; charset=utf-8")
      .send("token=not-a-token")
      .expect(200);
    expect(revoked.body).toEqual({});
    const { body } = await request(app.getHttpServer()).get("/openapi.json").expect(200);
    const paths = body.paths as Record<string, { post?: { requestBody?: { content: object } } }>;
    const takingForms = Object.entries(paths)
      .filter(([, item]) =>
        Object.keys(item.post?.requestBody?.content ?? {}).includes("application/x-www-form-urlencoded"),
      )
      .map(([path]) => path)
      .sort();
    expect(takingForms).toEqual(["/oauth/introspect", "/oauth/revoke"]);
  });

  it("E5: a URL with a malformed escape is 400 invalid_request in the same error body, with the request id", async () => {
    const response = await request(app.getHttpServer()).get("/v1/sessions/%zz").expect(400);
    expect(response.body).toEqual({
      error: "invalid_request",
      message: "malformed request URL",
      requestId: response.headers["x-request-id"],
    });
  });

  it("an empty JSON body is an empty object, refused by validation rather than by the parser", async () => {
    const response = await request(app.getHttpServer())
      .post("/v1/auth/challenge")
      .set("content-type", "application/json")
      .expect(400);
    expect(response.body.error).toBe("invalid_request");
    expect(response.body.message).toMatch(/address/);
  });

  it("a trailing slash reaches the same route", async () => {
    await request(app.getHttpServer()).get("/health/live/").expect(200, { status: "ok" });
  });
});
