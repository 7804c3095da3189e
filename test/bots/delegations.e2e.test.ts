import type { INestApplication } from "@nestjs/common";
import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { createVenueFor } from "../fixtures/example-venue.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import { registryAdmin } from "../role-sync/support/registry-admin.js";
import {
  botLogin,
  createSessionKey,
  inSeconds,
  proof,
  type SessionKey,
  signDelegation,
} from "./support/bot-flows.js";

const trader = devAccount(DevAccountIndex.trader);
const order = () => ({ market: "BTC-USD", side: "buy", size: "0.1" });

/** Delegate → the bot trades at the venue with DPoP → revoke or lose TRADER on-chain → refused. */
describe("bots: delegated session keys end to end", () => {
  let sigil: SigilTestEnvironment;
  let venue: INestApplication;
  let venueUrl: string;
  let admin: ReturnType<typeof registryAdmin>;
  const api = () => request(sigil.app.getHttpServer());
  const issuer = () => sigil.env.SIGIL_ISSUER!;

  beforeAll(async () => {
    sigil = await startSigil({
      SIGIL_ROLE_SYNC: "true",
      SIGIL_ROLE_SYNC_POLL_MS: "50",
      SIGIL_RECONCILE_INTERVAL_MS: "0",
    });
    admin = registryAdmin(sigil.chain, sigil.stack.registry);
    await sigil.app.listen(0, "127.0.0.1");
    await waitFor(() => sigil.app.get(RoleSyncService).follower(31337)!.steps > 0, { timeoutMs: 10_000 });
    const url = await sigil.app.getUrl();
    venue = await createVenueFor(sigil, url);
    await venue.listen(0, "127.0.0.1");
    venueUrl = (await venue.getUrl()).replace("[::1]", "127.0.0.1");
  });

  afterAll(async () => {
    await venue?.close();
    await sigil?.close();
  });

  async function ownerLogin() {
    const response = await signIn({ app: sigil.app, account: trader });
    expect(response.status).toBe(200);
    return response.body.access_token as string;
  }

  async function delegate(key: SessionKey, scopes = ["orders:write"]) {
    const owner = await ownerLogin();
    const body = await signDelegation({ owner: trader, key, terms: { scopes, expiresAt: inSeconds(3600) } });
    const created = await api().post("/v1/delegations").set("Authorization", `Bearer ${owner}`).send(body);
    expect(created.status).toBe(201);
    return { owner, delegationId: created.body.id as string };
  }

  /** The bot's call at the venue: the DPoP-bound token plus a fresh proof for this request. */
  function trade(key: SessionKey, token: string) {
    return request(venueUrl)
      .post("/orders")
      .set("Authorization", `DPoP ${token}`)
      .set("DPoP", proof({ key, method: "POST", url: `${venueUrl}/orders`, accessToken: token }))
      .send(order());
  }

  it("the owner delegates orders:write to a bot key; the bot trades at the venue; the owner revokes → the bot's next call fails", async () => {
    const key = createSessionKey("ed25519");
    const { owner, delegationId } = await delegate(key);
    const login = await botLogin({ app: sigil.app, issuer: issuer(), delegationId, key });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({
      token_type: "DPoP",
      scope: "orders:write",
      sub: `eip155:31337:${trader.address}`,
    });
    expect(login.body.refresh_token).toBeUndefined();
    const claims = JSON.parse(Buffer.from(login.body.access_token.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({
      sub: `eip155:31337:${trader.address}`,
      act: { sub: `jkt:${key.jkt}` },
      cnf: { jkt: key.jkt },
    });

    const placed = await trade(key, login.body.access_token);
    expect(placed.status).toBe(201);

    await api().delete(`/v1/delegations/${delegationId}`).set("Authorization", `Bearer ${owner}`).expect(204);
    const refusedAfter = await waitFor(
      async () => (await trade(key, login.body.access_token)).status === 401,
      {
        timeoutMs: 5_000,
        everyMs: 20,
      },
    );
    expect(refusedAfter).toBeLessThan(2_000);
    const again = await botLogin({ app: sigil.app, issuer: issuer(), delegationId, key });
    expect(again.status).toBe(401);
    expect(again.body.error).toBe("delegation_inactive");
    const audit = await sigil.database.dataSource.query(
      `SELECT data->>'reason' AS reason FROM audit_events WHERE type = 'session_revoked' AND data->>'sessionId' = $1`,
      [login.body.session_id],
    );
    expect(audit).toEqual([{ reason: "delegation_revoked" }]);
  });

  it("the owner loses TRADER on-chain → the bot's next call fails, and it gets no new token", async () => {
    const key = createSessionKey("secp256k1");
    const { delegationId } = await delegate(key);
    const login = await botLogin({ app: sigil.app, issuer: issuer(), delegationId, key });
    expect(login.status).toBe(200);
    expect((await trade(key, login.body.access_token)).status).toBe(201);

    await admin.revokeRole("TRADER", trader.address);
    try {
      const refusedAfter = await waitFor(
        async () => (await trade(key, login.body.access_token)).status === 401,
        {
          timeoutMs: 5_000,
          everyMs: 20,
        },
      );
      expect(refusedAfter).toBeLessThan(3_000);
      const relogin = await botLogin({ app: sigil.app, issuer: issuer(), delegationId, key });
      expect(relogin.status).toBe(403);
      expect(relogin.body.error).toBe("insufficient_scope");
    } finally {
      await admin.grantRole("TRADER", trader.address);
    }
  });

  it("B9: at the venue a replayed proof, a proof for another method or URL, another key's proof, or the Bearer scheme → 401 invalid_dpop_proof / invalid_token", async () => {
    const key = createSessionKey("ed25519");
    const { delegationId } = await delegate(key, ["orders:read", "orders:write"]);
    const token = (await botLogin({ app: sigil.app, issuer: issuer(), delegationId, key })).body
      .access_token as string;
    const url = `${venueUrl}/orders`;
    const once = proof({ key, method: "POST", url, accessToken: token });
    const send = (dpop: string, scheme = "DPoP") =>
      request(venueUrl)
        .post("/orders")
        .set("Authorization", `${scheme} ${token}`)
        .set("DPoP", dpop)
        .send(order());

    expect((await send(once)).status).toBe(201);
    const replay = await send(once);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe("invalid_dpop_proof");
    expect(replay.headers["www-authenticate"]).toContain('DPoP error="invalid_dpop_proof"');

    const cases: [string, string][] = [
      ["wrong htm", proof({ key, method: "GET", url, accessToken: token })],
      ["wrong htu", proof({ key, method: "POST", url: `${venueUrl}/positions`, accessToken: token })],
      ["wrong key", proof({ key: createSessionKey("ed25519"), method: "POST", url, accessToken: token })],
      ["no ath", proof({ key, method: "POST", url })],
      [
        "stale iat",
        proof({ key, method: "POST", url, accessToken: token, now: new Date(Date.now() - 600_000) }),
      ],
    ];
    for (const [name, dpop] of cases) {
      const response = await send(dpop);
      expect({ name, status: response.status, error: response.body.error }).toEqual({
        name,
        status: 401,
        error: "invalid_dpop_proof",
      });
    }
    const missing = await request(venueUrl)
      .post("/orders")
      .set("Authorization", `DPoP ${token}`)
      .send(order());
    expect(missing.body.error).toBe("invalid_dpop_proof");
    // Downgrading to Bearer would drop the key binding.
    const bearer = await send(proof({ key, method: "POST", url, accessToken: token }), "Bearer");
    expect({ status: bearer.status, error: bearer.body.error }).toEqual({
      status: 401,
      error: "invalid_token",
    });
  });

  it("B9: at the auth-api the bot's token needs its proof too, and a replayed login proof is refused", async () => {
    const key = createSessionKey("p256");
    const { delegationId } = await delegate(key, ["orders:write"]);
    const path = `/v1/delegations/${delegationId}/token`;
    const loginProof = proof({ key, method: "POST", url: `${issuer()}${path}` });
    const first = await api().post(path).set("DPoP", loginProof).send({});
    expect(first.status).toBe(200);
    const replayed = await api().post(path).set("DPoP", loginProof).send({});
    expect({ status: replayed.status, error: replayed.body.error }).toEqual({
      status: 401,
      error: "invalid_dpop_proof",
    });

    const token = first.body.access_token as string;
    const me = await api()
      .get("/v1/me")
      .set("Authorization", `DPoP ${token}`)
      .set("DPoP", proof({ key, method: "GET", url: `${issuer()}/v1/me`, accessToken: token }));
    expect(me.status).toBe(200);
    expect(me.body.address).toBe(trader.address);
    const asBearer = await api().get("/v1/me").set("Authorization", `Bearer ${token}`);
    expect(asBearer.status).toBe(401);
  });
});
