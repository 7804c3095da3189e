import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { botLogin, createSessionKey, inSeconds, proof, signDelegation } from "./support/bot-flows.js";

const trader = devAccount(DevAccountIndex.trader);
const viewer = devAccount(DevAccountIndex.viewer);

/** Delegations only narrow (C4), need a recent sign-in (C6), and stay their owner's (C2). */
describe("bots: delegation rules", () => {
  let sigil: SigilTestEnvironment;
  const api = () => request(sigil.app.getHttpServer());
  const issuer = () => sigil.env.SIGIL_ISSUER!;

  beforeAll(async () => {
    sigil = await startSigil();
  });

  afterAll(async () => {
    await sigil?.close();
  });

  async function login(account: typeof trader, scope?: string[]) {
    const response = await signIn({ app: sigil.app, account, ...(scope ? { scope } : {}) });
    expect(response.status).toBe(200);
    return response.body as { access_token: string; session_id: string };
  }

  const register = (token: string, body: object) =>
    api().post("/v1/delegations").set("Authorization", `Bearer ${token}`).send(body);

  it("C4: a delegation of a scope the owner does not hold → 403 delegation_scope_exceeded", async () => {
    const owner = await login(viewer);
    const key = createSessionKey();
    const body = await signDelegation({
      owner: viewer,
      key,
      terms: { scopes: ["orders:write"], expiresAt: inSeconds(600) },
    });
    const response = await register(owner.access_token, body);
    expect({ status: response.status, error: response.body.error }).toEqual({
      status: 403,
      error: "delegation_scope_exceeded",
    });
  });

  it("C4: a scope the chain allows but the owner's own session did not ask for → 403", async () => {
    const owner = await login(trader, ["orders:read"]);
    const body = await signDelegation({
      owner: trader,
      key: createSessionKey(),
      terms: { scopes: ["orders:write"], expiresAt: inSeconds(600) },
    });
    const response = await register(owner.access_token, body);
    expect(response.body.error).toBe("delegation_scope_exceeded");
  });

  it("C4: an expiry beyond the owner's sign-in lifetime, or in the past → 403 delegation_expiry_exceeded", async () => {
    const owner = await login(trader);
    for (const expiresAt of [inSeconds(8 * 86_400), inSeconds(-10)]) {
      const body = await signDelegation({
        owner: trader,
        key: createSessionKey(),
        terms: { scopes: ["orders:read"], expiresAt },
      });
      const response = await register(owner.access_token, body);
      expect({ status: response.status, error: response.body.error }).toEqual({
        status: 403,
        error: "delegation_expiry_exceeded",
      });
    }
  });

  it("C4: the bot cannot ask for more than was delegated; its token never outlives the delegation", async () => {
    const owner = await login(trader);
    const key = createSessionKey("secp256k1");
    const expiresAt = inSeconds(120);
    const created = await register(
      owner.access_token,
      await signDelegation({ owner: trader, key, terms: { scopes: ["orders:read"], expiresAt } }),
    );
    expect(created.status).toBe(201);
    const more = await botLogin({
      app: sigil.app,
      issuer: issuer(),
      delegationId: created.body.id,
      key,
      scope: ["orders:read", "orders:write"],
    });
    expect({ status: more.status, error: more.body.error }).toEqual({
      status: 403,
      error: "delegation_scope_exceeded",
    });
    const ok = await botLogin({ app: sigil.app, issuer: issuer(), delegationId: created.body.id, key });
    expect(ok.status).toBe(200);
    const claims = JSON.parse(Buffer.from(ok.body.access_token.split(".")[1], "base64url").toString());
    expect(claims.exp).toBeLessThanOrEqual(expiresAt);
    expect(claims.scope).toBe("orders:read");
  });

  it("C4: a delegation signed by another wallet, or for another key than the one registered → refused", async () => {
    const owner = await login(trader);
    const key = createSessionKey();
    // Signed by the viewer's wallet but registered by the trader: the signature names another owner.
    const foreign = await signDelegation({
      owner: viewer,
      key,
      terms: { scopes: ["orders:read"], expiresAt: inSeconds(600) },
    });
    const response = await register(owner.access_token, foreign);
    expect({ status: response.status, error: response.body.error }).toEqual({
      status: 403,
      error: "delegation_signature_invalid",
    });
    // The trader's signature, but the key swapped for another after signing.
    const signed = await signDelegation({
      owner: trader,
      key,
      terms: { scopes: ["orders:read"], expiresAt: inSeconds(600) },
    });
    const swapped = await register(owner.access_token, { ...signed, delegateJwk: createSessionKey().jwk });
    expect(swapped.body.error).toBe("delegation_signature_invalid");
    const wider = await register(owner.access_token, { ...signed, scopes: ["orders:read", "orders:write"] });
    expect(wider.body.error).toBe("delegation_signature_invalid");
  });

  it("a signed delegation registers once (409 delegation_nonce_used); a bot with another key cannot use it", async () => {
    const owner = await login(trader);
    const key = createSessionKey();
    const body = await signDelegation({
      owner: trader,
      key,
      terms: { scopes: ["orders:read"], expiresAt: inSeconds(600) },
    });
    const created = await register(owner.access_token, body);
    expect(created.status).toBe(201);
    const again = await register(owner.access_token, body);
    expect({ status: again.status, error: again.body.error }).toEqual({
      status: 409,
      error: "delegation_nonce_used",
    });
    const thief = await botLogin({
      app: sigil.app,
      issuer: issuer(),
      delegationId: created.body.id,
      key: createSessionKey(),
    });
    expect({ status: thief.status, error: thief.body.error }).toEqual({
      status: 401,
      error: "invalid_dpop_proof",
    });
  });

  it("C6: creating a delegation needs a sign-in at most SIGIL_STEP_UP_MAX_AGE old → else 403 step_up_required", async () => {
    const owner = await login(trader);
    await sigil.database.dataSource.query(
      `UPDATE sessions SET created_at = now() - interval '301 seconds' WHERE id = $1`,
      [owner.session_id],
    );
    await sigil.sessionChanged(owner.session_id);
    const body = await signDelegation({
      owner: trader,
      key: createSessionKey(),
      terms: { scopes: ["orders:read"], expiresAt: inSeconds(600) },
    });
    const response = await register(owner.access_token, body);
    expect({ status: response.status, error: response.body.error }).toEqual({
      status: 403,
      error: "step_up_required",
    });
    const fresh = await login(trader);
    expect((await register(fresh.access_token, body)).status).toBe(201);
  });

  it("C6: a bot's own token cannot create delegations or manage the owner's sessions (403 delegated_token_not_allowed)", async () => {
    const owner = await login(trader);
    const key = createSessionKey();
    const created = await register(
      owner.access_token,
      await signDelegation({
        owner: trader,
        key,
        terms: { scopes: ["orders:read"], expiresAt: inSeconds(600) },
      }),
    );
    const token = (await botLogin({ app: sigil.app, issuer: issuer(), delegationId: created.body.id, key }))
      .body.access_token as string;
    const asBot = (method: "post" | "get", path: string) => {
      const dpop = proof({
        key,
        method: method.toUpperCase(),
        url: `${issuer()}${path}`,
        accessToken: token,
      });
      const call = method === "post" ? api().post(path) : api().get(path);
      return call.set("Authorization", `DPoP ${token}`).set("DPoP", dpop);
    };
    for (const [method, path] of [
      ["post", "/v1/delegations"],
      ["get", "/v1/sessions"],
      ["get", "/v1/delegations"],
    ] as const) {
      const response = await asBot(method, path).send({});
      expect({ path, status: response.status, error: response.body.error }).toEqual({
        path,
        status: 403,
        error: "delegated_token_not_allowed",
      });
    }
  });

  it("C2: another owner can neither see nor revoke a delegation (404); the owner lists and inspects it", async () => {
    const owner = await login(trader);
    const other = await login(viewer);
    const created = await register(
      owner.access_token,
      await signDelegation({
        owner: trader,
        key: createSessionKey(),
        terms: { scopes: ["orders:read"], expiresAt: inSeconds(600) },
      }),
    );
    const id = created.body.id as string;
    const peek = await api()
      .get(`/v1/delegations/${id}`)
      .set("Authorization", `Bearer ${other.access_token}`);
    expect(peek.status).toBe(404);
    const kill = await api()
      .delete(`/v1/delegations/${id}`)
      .set("Authorization", `Bearer ${other.access_token}`);
    expect(kill.status).toBe(404);
    const listed = await api().get("/v1/delegations").set("Authorization", `Bearer ${other.access_token}`);
    expect(listed.body.delegations.map((d: { id: string }) => d.id)).not.toContain(id);

    const mine = await api()
      .get(`/v1/delegations/${id}`)
      .set("Authorization", `Bearer ${owner.access_token}`);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ id, scopes: ["orders:read"], revokedAt: null, liveSessions: 0 });
  });
});
