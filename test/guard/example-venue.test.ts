import type { INestApplication } from "@nestjs/common";
import request from "supertest";
import { createVenueApp, loadVenueConfig } from "../../apps/example-venue/src/index.js";
import { TestIssuer, TRADER, VIEWER } from "./support/test-issuer.js";
import { waitFor } from "./support/wait.js";

const NO_ROLE = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

describe("example venue behind libs/guard", () => {
  let issuer: TestIssuer;
  let app: INestApplication;
  let trader: string;
  let viewer: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    const config = loadVenueConfig({
      SIGIL_ISSUER: issuer.issuer,
      SIGIL_AUDIENCE: issuer.audience,
      SIGIL_JWKS_URL: issuer.jwksUrl,
      SIGIL_REVOCATIONS_URL: issuer.revocationsUrl,
      VENUE_CLIENT_ID: issuer.clientId,
      VENUE_CLIENT_SECRET: issuer.clientSecret,
    });
    app = await createVenueApp(config, { logger: false });
    trader = issuer.sign({ address: TRADER, scope: "orders:read orders:write positions:read" });
    viewer = issuer.sign({ address: VIEWER, scope: "positions:read" });
  });

  afterAll(async () => {
    await app?.close();
    await issuer?.close();
  });

  it("GET /health is public and reports the guard ready", async () => {
    const response = await http().get("/health").expect(200);
    expect(response.body).toEqual({
      status: "ok",
      guard: {
        ready: true,
        jwks: { keys: 1, failing: false, fetches: expect.any(Number) },
        revocations: { enabled: true, fresh: true, revokedSessions: 0, polls: expect.any(Number) },
      },
    });
  });

  it("GET /positions (positions:read) answers the same positions for the same wallet", async () => {
    const first = await http().get("/positions").set("Authorization", `Bearer ${viewer}`).expect(200);
    expect(first.body).toMatchObject({ address: VIEWER, chainId: 31337 });
    expect(first.body.positions.length).toBeGreaterThan(0);
    const again = await http()
      .get("/positions")
      .set("Authorization", `Bearer ${issuer.sign({ address: VIEWER, scope: "positions:read" })}`);
    expect(again.body).toEqual(first.body);
    const other = await http().get("/positions").set("Authorization", `Bearer ${trader}`).expect(200);
    expect(other.body.positions).not.toEqual(first.body.positions);
  });

  it("POST /orders (orders:write) places an order the wallet then sees in GET /orders (orders:read)", async () => {
    const before = await http().get("/orders").set("Authorization", `Bearer ${trader}`).expect(200);
    const placed = await http()
      .post("/orders")
      .set("Authorization", `Bearer ${trader}`)
      .send({ market: "ETH-USD", side: "buy", size: "1.25" })
      .expect(201);
    expect(placed.body).toMatchObject({
      id: expect.stringMatching(/^ord_[0-9a-f]{16}$/),
      market: "ETH-USD",
      side: "buy",
      size: "1.25",
      status: "open",
      placedBy: `eip155:31337:${TRADER}`,
    });
    const after = await http().get("/orders").set("Authorization", `Bearer ${trader}`).expect(200);
    expect(after.body.orders).toEqual([...before.body.orders, placed.body]);
  });

  it("C2: a wallet sees only its own orders", async () => {
    const stranger = issuer.sign({ address: NO_ROLE, scope: "orders:read" });
    const mine = await http().get("/orders").set("Authorization", `Bearer ${trader}`).expect(200);
    const theirs = await http().get("/orders").set("Authorization", `Bearer ${stranger}`).expect(200);
    const ids = new Set(mine.body.orders.map((order: { id: string }) => order.id));
    expect(theirs.body.orders.some((order: { id: string }) => ids.has(order.id))).toBe(false);
  });

  it("records the actor of a delegated token as who placed the order", async () => {
    const bot = issuer.sign({ scope: "orders:write", claims: { act: { sub: "eip155:31337:0xb07" } } });
    const placed = await http()
      .post("/orders")
      .set("Authorization", `Bearer ${bot}`)
      .send({ market: "SOL-USD", side: "sell", size: 3 })
      .expect(201);
    expect(placed.body.placedBy).toBe("eip155:31337:0xb07");
  });

  it("POST /orders validates its body: 400 invalid_request naming the field", async () => {
    const response = await http()
      .post("/orders")
      .set("Authorization", `Bearer ${trader}`)
      .send({ market: "ETH-USD", side: "buy", size: "-1" })
      .expect(400);
    expect(response.body).toEqual({
      error: "invalid_request",
      message: expect.stringContaining("size"),
      requestId: response.headers["x-request-id"],
    });
  });

  it("403 insufficient_scope with the RFC 6750 challenge for a viewer placing or reading orders", async () => {
    const write = await http()
      .post("/orders")
      .set("Authorization", `Bearer ${viewer}`)
      .send({ market: "ETH-USD", side: "buy", size: "1" })
      .expect(403);
    expect(write.headers["www-authenticate"]).toBe('Bearer error="insufficient_scope", scope="orders:write"');
    expect(write.body).toMatchObject({
      error: "insufficient_scope",
      requestId: write.headers["x-request-id"],
    });
    const read = await http().get("/orders").set("Authorization", `Bearer ${viewer}`).expect(403);
    expect(read.headers["www-authenticate"]).toBe('Bearer error="insufficient_scope", scope="orders:read"');
  });

  it("401 invalid_token with the challenge and a request id when the token is missing or bad", async () => {
    for (const [authorization, challenge] of [
      [undefined, 'Bearer, DPoP algs="ES256 ES256K EdDSA"'],
      ["Bearer nope", 'Bearer error="invalid_token"'],
    ] as const) {
      const call = http().get("/positions");
      if (authorization) call.set("Authorization", authorization);
      const response = await call.expect(401);
      expect(response.headers["www-authenticate"]).toBe(challenge);
      expect(response.body).toEqual({
        error: "invalid_token",
        message: expect.any(String),
        requestId: response.headers["x-request-id"],
      });
    }
  });

  it("B11: a token in the query string is refused", async () => {
    await http().get(`/positions?access_token=${trader}`).expect(401);
  });

  it("GET /bench/open and GET /bench/guarded answer the same JSON; only the second needs a token", async () => {
    const open = await http().get("/bench/open").expect(200);
    const guarded = await http().get("/bench/guarded").set("Authorization", `Bearer ${viewer}`).expect(200);
    expect(guarded.body).toEqual(open.body);
    await http().get("/bench/guarded").expect(401);
  });

  it("unknown routes are 404 not_found in Sigil's error shape; big bodies 413", async () => {
    const missing = await http().get("/nowhere").expect(404);
    expect(missing.body).toEqual({
      error: "not_found",
      message: "no such route",
      requestId: expect.any(String),
    });
    await http()
      .post("/orders")
      .set("Authorization", `Bearer ${trader}`)
      .send({ market: "ETH-USD", side: "buy", size: "1", pad: "x".repeat(10_000) })
      .expect(413);
  });

  it("B7: a session revoked at Sigil is refused by the venue within its 1 s poll", async () => {
    const token = issuer.sign({ address: TRADER, scope: "positions:read", sid: "venue-sess" });
    await http().get("/positions").set("Authorization", `Bearer ${token}`).expect(200);
    issuer.revoke("venue-sess");
    const waited = await waitFor(
      async () => (await http().get("/positions").set("Authorization", `Bearer ${token}`)).status === 401,
      { timeoutMs: 3000 },
    );
    expect(waited).toBeLessThanOrEqual(1000 + 500);
  });
});
