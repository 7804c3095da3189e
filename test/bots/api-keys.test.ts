import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import request from "supertest";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { inSeconds } from "./support/bot-flows.js";
import { signedPost } from "./support/signed-call.js";

const trader = devAccount(DevAccountIndex.trader);
const viewer = devAccount(DevAccountIndex.viewer);

/** Exchange-style API keys: signed requests (A10), storage (A11), rotation, revocation, limits. */
describe("bots: API keys and signed requests", () => {
  let sigil: SigilTestEnvironment;
  const api = () => request(sigil.app.getHttpServer());

  beforeAll(async () => {
    // Per-key limits are shared through Redis when the machine has one (CI does), else per instance.
    const redis = process.env.TEST_REDIS_URL;
    sigil = await startSigil(
      redis ? { REDIS_URL: redis, SIGIL_REDIS_PREFIX: `bots-${randomBytes(4).toString("hex")}` } : {},
    );
  });

  afterAll(async () => {
    await sigil?.close();
  });

  async function owner(account = trader) {
    const response = await signIn({ app: sigil.app, account });
    expect(response.status).toBe(200);
    return response.body.access_token as string;
  }

  async function createHmacKey(terms: object = {}) {
    const created = await api()
      .post("/v1/api-keys")
      .set("Authorization", `Bearer ${await owner()}`)
      .send({ alg: "hmac-sha256", scopes: ["orders:write"], expiresAt: inSeconds(3600), ...terms });
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string };
  }

  const tokenCall = (
    key: { id: string; secret: string },
    extra: Partial<Parameters<typeof signedPost>[0]> = {},
  ) =>
    signedPost({
      app: sigil.app,
      keyId: key.id,
      signer: { alg: "hmac-sha256", secret: key.secret },
      target: "/v1/api-keys/token",
      ...extra,
    });

  it("an HMAC key's signed request buys a Bearer token for the owner, acting as the key", async () => {
    const key = await createHmacKey();
    const response = await tokenCall(key);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      token_type: "Bearer",
      scope: "orders:write",
      sub: `eip155:31337:${trader.address}`,
    });
    const claims = JSON.parse(Buffer.from(response.body.access_token.split(".")[1], "base64url").toString());
    expect(claims.act).toEqual({ sub: `apikey:${key.id}` });
    const [grant] = await sigil.database.dataSource.query(
      `SELECT method, actor FROM grants WHERE session_id = $1`,
      [response.body.session_id],
    );
    expect(grant).toEqual({ method: "api_key", actor: `apikey:${key.id}` });
  });

  it("an Ed25519 key: the server keeps only the public key; signed requests verify", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const raw = (publicKey.export({ format: "jwk" }) as { x: string }).x;
    const created = await api()
      .post("/v1/api-keys")
      .set("Authorization", `Bearer ${await owner()}`)
      .send({ alg: "ed25519", publicKey: raw, scopes: ["orders:write"], expiresAt: inSeconds(3600) });
    expect(created.status).toBe(201);
    expect(created.body.secret).toBeUndefined();
    const ok = await signedPost({
      app: sigil.app,
      keyId: created.body.id,
      signer: { alg: "ed25519", privateKey },
      target: "/v1/api-keys/token",
    });
    expect(ok.status).toBe(200);
    const other = generateKeyPairSync("ed25519").privateKey;
    const forged = await signedPost({
      app: sigil.app,
      keyId: created.body.id,
      signer: { alg: "ed25519", privateKey: other },
      target: "/v1/api-keys/token",
    });
    expect({ status: forged.status, error: forged.body.error }).toEqual({
      status: 401,
      error: "request_signature_invalid",
    });
  });

  it("A11: the HMAC secret is shown once and stored only sealed under the KEK; Ed25519 keys only as public keys", async () => {
    const key = await createHmacKey();
    const [row] = await sigil.database.dataSource.query(`SELECT * FROM api_keys WHERE id = $1`, [key.id]);
    const dump = JSON.stringify(row, (_k, v) =>
      v && typeof v === "object" && v.type === "Buffer" ? Buffer.from(v.data).toString("hex") : v,
    );
    expect(dump).not.toContain(key.secret);
    expect(dump).not.toContain(Buffer.from(key.secret).toString("hex"));
    expect(dump).not.toContain(Buffer.from(key.secret).toString("base64"));
    expect(row.kek_id).toEqual(expect.any(String));
    expect(row.public_key).toBeNull();
    const listed = await api()
      .get("/v1/api-keys")
      .set("Authorization", `Bearer ${await owner()}`)
      .expect(200);
    const shown = listed.body.apiKeys.find((k: { id: string }) => k.id === key.id);
    expect(shown).toBeDefined();
    expect(JSON.stringify(listed.body)).not.toContain(key.secret);
  });

  it("A10: a timestamp older than the window (default 5 s) or more than 1 s ahead → 401 request_signature_invalid", async () => {
    const key = await createHmacKey();
    for (const offsetMs of [-5_500, -60_000, 1_500]) {
      const response = await tokenCall(key, { now: new Date(Date.now() + offsetMs) });
      expect({ offsetMs, status: response.status, error: response.body.error }).toEqual({
        offsetMs,
        status: 401,
        error: "request_signature_invalid",
      });
    }
    expect((await tokenCall(key, { now: new Date(Date.now() - 3_000) })).status).toBe(200);
  });

  it("A10: a nonce is never accepted twice (replayed signed request → 401)", async () => {
    const key = await createHmacKey();
    const nonce = "n0nce-0123456789abcdef";
    expect((await tokenCall(key, { nonce })).status).toBe(200);
    const replay = await tokenCall(key, { nonce });
    expect({ status: replay.status, error: replay.body.error }).toEqual({
      status: 401,
      error: "request_signature_invalid",
    });
  });

  it("A10: altered path, query, body, key id or signature, or a missing header → 401", async () => {
    const key = await createHmacKey();
    const other = await createHmacKey();
    const cases: [string, Partial<Parameters<typeof signedPost>[0]>][] = [
      ["query", { tamper: { target: "/v1/api-keys/token?x=1" } }],
      ["body", { tamper: { body: JSON.stringify({ scope: ["orders:write"] }) } }],
      ["key id", { tamper: { headers: { "x-sigil-key": other.id } } }],
      ["signature", { tamper: { headers: { "x-sigil-signature": "A".repeat(43) } } }],
      ["short signature", { tamper: { headers: { "x-sigil-signature": "AAAA" } } }],
      ["no timestamp", { tamper: { headers: { "x-sigil-timestamp": "" } } }],
      ["wrong secret", { signer: { alg: "hmac-sha256", secret: other.secret } }],
    ];
    for (const [name, extra] of cases) {
      const response = await tokenCall(key, extra);
      expect({ name, status: response.status, error: response.body.error }).toEqual({
        name,
        status: 401,
        error: "request_signature_invalid",
      });
    }
    const unsigned = await api().post("/v1/api-keys/token").send({});
    expect(unsigned.body.error).toBe("request_signature_invalid");
  });

  it("C4/C6: a key cannot hold scopes the owner lacks, and needs a recent sign-in", async () => {
    const viewerToken = await owner(viewer);
    const wider = await api()
      .post("/v1/api-keys")
      .set("Authorization", `Bearer ${viewerToken}`)
      .send({ alg: "hmac-sha256", scopes: ["orders:write"], expiresAt: inSeconds(600) });
    expect({ status: wider.status, error: wider.body.error }).toEqual({
      status: 403,
      error: "delegation_scope_exceeded",
    });
    const login = await signIn({ app: sigil.app, account: trader });
    await sigil.database.dataSource.query(
      `UPDATE sessions SET created_at = now() - interval '1 hour' WHERE id = $1`,
      [login.body.session_id],
    );
    await sigil.sessionChanged(login.body.session_id);
    const stale = await api()
      .post("/v1/api-keys")
      .set("Authorization", `Bearer ${login.body.access_token}`)
      .send({ alg: "hmac-sha256", scopes: ["orders:write"], expiresAt: inSeconds(600) });
    expect({ status: stale.status, error: stale.body.error }).toEqual({
      status: 403,
      error: "step_up_required",
    });
  });

  it("rotation: the new key works at once, the old one only during the overlap; revocation ends the key and its tokens", async () => {
    const old = await createHmacKey();
    const ownerToken = await owner();
    const rotated = await api()
      .post(`/v1/api-keys/${old.id}/rotate`)
      .set("Authorization", `Bearer ${ownerToken}`)
      .send({ overlapSeconds: 0 });
    expect(rotated.status).toBe(201);
    expect(rotated.body.replacesId).toBe(old.id);
    expect((await tokenCall(old)).status).toBe(401);
    const fresh = await tokenCall(rotated.body);
    expect(fresh.status).toBe(200);

    const overlapping = await api()
      .post(`/v1/api-keys/${rotated.body.id}/rotate`)
      .set("Authorization", `Bearer ${ownerToken}`)
      .send({ overlapSeconds: 600 });
    expect((await tokenCall(rotated.body)).status).toBe(200);
    expect((await tokenCall(overlapping.body)).status).toBe(200);

    await api()
      .delete(`/v1/api-keys/${rotated.body.id}`)
      .set("Authorization", `Bearer ${ownerToken}`)
      .expect(204);
    expect((await tokenCall(rotated.body)).status).toBe(401);
    const me = await api().get("/v1/me").set("Authorization", `Bearer ${fresh.body.access_token}`);
    expect(me.status).toBe(401);
    const stranger = await api()
      .delete(`/v1/api-keys/${overlapping.body.id}`)
      .set("Authorization", `Bearer ${await owner(viewer)}`);
    expect(stranger.status).toBe(404);
  });

  it("per-key limit: maxRequestsPerMinute 2 → the third signed request in a minute is 429", async () => {
    const key = await createHmacKey({ maxRequestsPerMinute: 2 });
    expect((await tokenCall(key)).status).toBe(200);
    expect((await tokenCall(key)).status).toBe(200);
    const third = await tokenCall(key);
    expect({ status: third.status, error: third.body.error }).toEqual({ status: 429, error: "rate_limited" });
  });

  it("allowed client addresses: a key limited to another address is refused (403 client_address_not_allowed)", async () => {
    const local = await createHmacKey({ allowedClients: ["127.0.0.1", "::1"] });
    expect((await tokenCall(local)).status).toBe(200);
    const key = await createHmacKey({ allowedClients: ["203.0.113.7"] });
    const response = await tokenCall(key);
    expect({ status: response.status, error: response.body.error }).toEqual({
      status: 403,
      error: "client_address_not_allowed",
    });
  });
});
