import { type INestApplication, Module } from "@nestjs/common";
import { SigilGuardModule, type SigilGuardOptions } from "@sigil/guard";
import { generateSigningKey } from "@sigil/sessions";
import { createHmac } from "node:crypto";
import request from "supertest";
import { createGuardedApp, createGuardedAppWith } from "./support/guarded-app.js";
import { TestIssuer, TRADER, VIEWER } from "./support/test-issuer.js";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("SigilAuthGuard over HTTP", () => {
  let issuer: TestIssuer;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    app = await createGuardedApp(issuer.guardOptions());
  });

  afterAll(async () => {
    await app?.close();
    await issuer?.close();
  });

  async function expectInvalidToken(
    authorization: string | undefined,
    path = "/me",
    challenge = 'Bearer error="invalid_token"',
  ) {
    const call = http().get(path);
    if (authorization !== undefined) call.set("Authorization", authorization);
    const response = await call.expect(401);
    expect(response.headers["www-authenticate"]).toBe(challenge);
    expect(response.body).toEqual({ error: "invalid_token", message: expect.any(String) });
    return response;
  }

  it("admits a valid token and hands the handler its principal", async () => {
    const token = issuer.sign({ scope: "positions:read orders:read", sid: "sess-1" });
    const response = await http().get("/me").set("Authorization", `Bearer ${token}`).expect(200);
    expect(response.body).toMatchObject({
      sub: `eip155:31337:${TRADER}`,
      address: TRADER,
      chainId: 31337,
      scopes: ["orders:read", "positions:read"],
      sid: "sess-1",
      jti: expect.any(String),
      claims: { iss: issuer.issuer, aud: issuer.audience, sid: "sess-1" },
    });
  });

  it("accepts the scheme name in any case (RFC 7235)", async () => {
    await http().get("/me").set("Authorization", `bearer ${issuer.sign()}`).expect(200);
  });

  it("serves @Public() routes without a token", async () => {
    await http().get("/public").expect(200, { ok: true });
  });

  it("answers 500, not undefined, when @CurrentPrincipal() is used on a public route", async () => {
    await http().get("/public/principal").expect(500);
  });

  it.each([
    ["no Authorization header", undefined],
    ["an empty header", ""],
    ["another scheme", `Basic ${Buffer.from("a:b").toString("base64")}`],
    ["a bare token without scheme", "eyJhbGciOi.x.y"],
  ])("V1: 401 with a challenge without error code for %s (RFC 6750 §3.1)", async (_name, authorization) => {
    await expectInvalidToken(authorization, "/me", 'Bearer, DPoP algs="ES256 ES256K EdDSA"');
  });

  it("V1: a bad token under the DPoP scheme is challenged with DPoP (RFC 9449 §7.1)", async () => {
    await expectInvalidToken(
      "DPoP not-a-token",
      "/me",
      'DPoP error="invalid_token", algs="ES256 ES256K EdDSA"',
    );
  });

  it.each([
    ["garbage", "Bearer not-a-token"],
    ["a refresh token (B3)", "Bearer srt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
  ])("401 invalid_token with WWW-Authenticate for %s", async (_name, authorization) => {
    await expectInvalidToken(authorization);
  });

  it("B3: refuses an expired token", async () => {
    const token = issuer.sign({ now: new Date(Date.now() - 20 * 60_000), ttlSeconds: 600 });
    const response = await expectInvalidToken(`Bearer ${token}`);
    expect(response.body.message).toMatch(/expired/);
  });

  it("B3: refuses a token for another audience", async () => {
    await expectInvalidToken(`Bearer ${issuer.sign({ claims: { aud: "https://other-venue.test" } })}`);
  });

  it("B3: refuses a token from another issuer", async () => {
    await expectInvalidToken(`Bearer ${issuer.sign({ claims: { iss: "https://evil.test" } })}`);
  });

  it("refuses a token whose subject is not an eip155 account", async () => {
    await expectInvalidToken(`Bearer ${issuer.sign({ claims: { sub: "did:web:example.com" } })}`);
  });

  it("B9: refuses a DPoP-bound token presented as a bearer token (no proof checking yet)", async () => {
    await expectInvalidToken(`Bearer ${issuer.sign({ claims: { cnf: { jkt: "a".repeat(43) } } })}`);
  });

  it('B1: refuses alg "none"', async () => {
    const iat = Math.floor(Date.now() / 1000);
    const body = {
      iss: issuer.issuer,
      aud: issuer.audience,
      sub: `eip155:31337:${TRADER}`,
      scope: "positions:read",
      sid: "s",
      jti: "j",
      iat,
      nbf: iat,
      exp: iat + 600,
    };
    const header = { alg: "none", typ: "at+jwt", kid: issuer.signer.kid };
    await expectInvalidToken(`Bearer ${b64(header)}.${b64(body)}.`);
  });

  it("B1: refuses HS256 signed with the issuer's public key as the HMAC secret", async () => {
    const [, payload] = issuer.sign().split(".");
    const input = `${b64({ alg: "HS256", typ: "at+jwt", kid: issuer.signer.kid })}.${payload}`;
    for (const secret of [
      issuer.signer.publicKey.export({ format: "pem", type: "spki" }),
      JSON.stringify(issuer.signer.publicJwk),
    ]) {
      const mac = createHmac("sha256", secret).update(input).digest("base64url");
      await expectInvalidToken(`Bearer ${input}.${mac}`);
    }
  });

  it("refuses a token signed by a key the issuer never published", async () => {
    const stranger = generateSigningKey({ now: new Date() });
    await expectInvalidToken(`Bearer ${issuer.sign({ key: stranger })}`);
  });

  it("B11: refuses a token passed in the query string, even beside a valid header", async () => {
    const token = issuer.sign();
    await expectInvalidToken(undefined, `/me?access_token=${token}`);
    await expectInvalidToken(`Bearer ${token}`, `/me?access_token=${token}`);
    await expectInvalidToken(`Bearer ${token}`, `/me?cursor=1&jwt=${token}`);
  });

  it("the token cache matches whole tokens: a forgery ending like a cached token is refused", async () => {
    const victim = issuer.sign({ scope: "orders:write" });
    await http().post("/orders").set("Authorization", `Bearer ${victim}`).expect(201);
    // Masked tokens in logs often show their last characters; those alone must not be enough.
    const [header, , signature] = victim.split(".");
    const forged = `${header}.${b64({ sub: "x" })}.${"A".repeat(signature!.length - 12)}${signature!.slice(-12)}`;
    await expectInvalidToken(`Bearer ${forged}`);
    await expectInvalidToken(`Bearer x${victim.slice(-40)}`);
  });

  it("403 insufficient_scope naming the required scopes in WWW-Authenticate", async () => {
    const viewer = issuer.sign({ address: VIEWER, scope: "positions:read" });
    await http().get("/positions").set("Authorization", `Bearer ${viewer}`).expect(200, { address: VIEWER });
    const response = await http().post("/orders").set("Authorization", `Bearer ${viewer}`).expect(403);
    expect(response.headers["www-authenticate"]).toBe(
      'Bearer error="insufficient_scope", scope="orders:write"',
    );
    expect(response.body).toEqual({
      error: "insufficient_scope",
      message: expect.stringContaining("orders:write"),
    });
  });

  it("requires the controller's and the handler's scopes together", async () => {
    const readOnly = issuer.sign({ scope: "orders:read" });
    const writeOnly = issuer.sign({ scope: "orders:write" });
    const both = issuer.sign({ scope: "orders:read orders:write" });
    await http().get("/desk/book").set("Authorization", `Bearer ${readOnly}`).expect(200);
    await http().get("/desk/book").set("Authorization", `Bearer ${writeOnly}`).expect(403);
    const refused = await http().get("/desk/both").set("Authorization", `Bearer ${readOnly}`).expect(403);
    expect(refused.headers["www-authenticate"]).toBe(
      'Bearer error="insufficient_scope", scope="orders:write orders:read"',
    );
    await http().get("/desk/both").set("Authorization", `Bearer ${writeOnly}`).expect(403);
    await http().get("/desk/both").set("Authorization", `Bearer ${both}`).expect(200);
  });

  it("checks expiry on every request, also for a token it has cached", async () => {
    let now = new Date();
    const clockApp = await createGuardedApp({
      ...issuer.guardOptions(),
      clockToleranceSeconds: 0,
      now: () => now,
    });
    try {
      const token = issuer.sign({ now, ttlSeconds: 60 });
      await request(clockApp.getHttpServer()).get("/me").set("Authorization", `Bearer ${token}`).expect(200);
      now = new Date(now.getTime() + 61_000);
      await request(clockApp.getHttpServer()).get("/me").set("Authorization", `Bearer ${token}`).expect(401);
    } finally {
      await clockApp.close();
    }
  });

  it("forRootAsync takes its options from other providers", async () => {
    const OPTIONS = "GUARD_OPTIONS";
    @Module({ providers: [{ provide: OPTIONS, useValue: issuer.guardOptions() }], exports: [OPTIONS] })
    class OptionsModule {}
    const asyncApp = await createGuardedAppWith(
      SigilGuardModule.forRootAsync({
        imports: [OptionsModule],
        inject: [OPTIONS],
        useFactory: async (options: SigilGuardOptions) => options,
      }),
    );
    try {
      await request(asyncApp.getHttpServer())
        .get("/me")
        .set("Authorization", `Bearer ${issuer.sign()}`)
        .expect(200);
      await request(asyncApp.getHttpServer()).get("/me").expect(401);
    } finally {
      await asyncApp.close();
    }
  });

  it("adds the request id to its error body when the app sets one", async () => {
    const withIds = await createGuardedApp(issuer.guardOptions(), (app) =>
      app.use((req: { id?: string }, _res: unknown, next: () => void) => {
        req.id = "req-12345678";
        next();
      }),
    );
    try {
      const response = await request(withIds.getHttpServer()).get("/me").expect(401);
      expect(response.body).toEqual({
        error: "invalid_token",
        message: expect.any(String),
        requestId: "req-12345678",
      });
    } finally {
      await withIds.close();
    }
  });
});
