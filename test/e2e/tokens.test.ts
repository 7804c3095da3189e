// Access and refresh tokens through HTTP: SECURITY-TESTS B1-B8, B11 and A11, against real
// Postgres (or PGlite) and a local chain, on several app instances sharing one database.
import { loadConfig } from "../../apps/auth-api/src/index.js";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { createHash, generateKeyPairSync } from "node:crypto";
import { hashRefreshToken } from "@sigil/sessions";
import type { Response } from "supertest";
import { AccessReaderService } from "../../apps/auth-api/src/chain/access-reader.service.js";
import { SessionService } from "../../apps/auth-api/src/sessions/session.service.js";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { startCountingServer } from "../siwe/support/rpc-proxy.js";
import {
  decodePart,
  epoch,
  es256,
  forge,
  hs256,
  type ServiceKey,
  serviceSigningKey,
} from "./support/forge.js";
import { type Api, basic, bearer, listen } from "./support/http.js";
import { captureOutput } from "./support/output.js";
import { ageSession, dumpAllTables, sessionRow } from "./support/rows.js";
import { expectError, type Tokens, tokensFor } from "./support/siwe.js";
import { waitFor } from "../guard/support/wait.js";

const trader = devAccount(DevAccountIndex.trader);
const viewer = devAccount(DevAccountIndex.viewer);

describe("tokens and sessions over HTTP", () => {
  let sigil: SigilTestEnvironment;
  /** Default configuration: 10 s refresh-reuse grace. */
  let api: Api;
  /** A second instance on the same database, with no reuse grace at all. */
  let strict: Api;
  let key: ServiceKey;

  beforeAll(async () => {
    sigil = await startSigil();
    api = await listen(sigil.app);
    strict = await listen(await sigil.createInstance({ SIGIL_REFRESH_REUSE_GRACE: "0" }));
    key = await serviceSigningKey(sigil.database.dataSource, sigil.env.SIGIL_KEK!);
  });
  afterAll(() => sigil?.close());

  const me = (token: string, on: Api = api) => on.get("/v1/me").set(bearer(token));
  const refresh = (token: string, on: Api = api) =>
    on.post("/v1/auth/refresh").send({ refresh_token: token });
  const introspect = (token: string, on: Api = api) =>
    on.post("/oauth/introspect").set(basic()).send({ token });
  const expectRefused = async (token: string) => expectError(await me(token), 401, "invalid_token");

  /** The parts of a fresh trader access token, to re-sign with one thing changed. */
  async function genuine() {
    const tokens = await tokensFor(api, trader);
    return {
      tokens,
      header: decodePart(tokens.access_token, 0),
      payload: decodePart(tokens.access_token, 1),
    };
  }

  describe("B1-B3: forged access tokens against GET /v1/me", () => {
    it("B1: alg none, HS256 keyed with the public key, and any alg but ES256 are 401", async () => {
      const { header, payload } = await genuine();
      // Control: the same header and claims, re-signed with the service key, are accepted.
      await me(forge(header, payload, es256(key.privateKey))).expect(200);

      await expectRefused(forge({ ...header, alg: "none" }, payload, () => Buffer.alloc(0)));
      await expectRefused(forge({ ...header, alg: "none" }, payload, () => Buffer.from("sig")));

      const pem = key.publicKey.export({ format: "pem", type: "spki" });
      await expectRefused(forge({ ...header, alg: "HS256" }, payload, hs256(pem)));
      const { body: jwks } = await api.get("/.well-known/jwks.json").expect(200);
      await expectRefused(forge({ ...header, alg: "HS256" }, payload, hs256(JSON.stringify(jwks.keys[0]))));

      for (const alg of ["ES384", "ES512", "RS256", "PS256", "EdDSA", "ES256K", "NONE", "es256"]) {
        await expectRefused(forge({ ...header, alg }, payload, es256(key.privateKey)));
      }
    });

    it("B2: jku, x5u and jwk headers are ignored: an attacker's key is refused and no URL is fetched", async () => {
      const { header, payload } = await genuine();
      const attacker = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const counter = await startCountingServer();
      try {
        const pointers = {
          jku: `${counter.url}/jwks.json`,
          x5u: `${counter.url}/cert.pem`,
          jwk: attacker.publicKey.export({ format: "jwk" }),
        };
        await expectRefused(
          forge({ ...header, ...pointers, kid: "attacker" }, payload, es256(attacker.privateKey)),
        );
        await expectRefused(forge({ ...header, ...pointers }, payload, es256(attacker.privateKey)));
        expect(counter.hits()).toBe(0);
      } finally {
        await counter.close();
      }
    });

    it("B2: a kid or sid carrying SQL or a path is 401 invalid_token, never a database error", async () => {
      const { header, payload } = await genuine();
      for (const kid of [
        "' OR 1=1 --",
        "x'; DROP TABLE sessions; --",
        "../../etc/passwd",
        "..%2F..%2Fkeys",
        "",
      ]) {
        const response = await me(forge({ ...header, kid }, payload, es256(key.privateKey)));
        expectError(response, 401, "invalid_token");
      }
      // Signed by the service key, so only the session lookup stands between these and a 200.
      for (const sid of [
        "' OR '1'='1",
        "0".repeat(36),
        "-".repeat(36),
        "00000000-0000-0000-0000-00000000000g",
      ]) {
        const response = await me(forge(header, { ...payload, sid }, es256(key.privateKey)));
        expectError(response, 401, "invalid_token");
      }
      const [{ n }] = await sigil.database.dataSource.query(`SELECT count(*) AS n FROM sessions`);
      expect(Number(n)).toBeGreaterThan(0);
    });

    it("B3: iss, aud, typ, exp and nbf are enforced, with no more than 30 s of skew", async () => {
      const { header, payload } = await genuine();
      const now = epoch();
      const signed = (h: Record<string, unknown>, p: Record<string, unknown>) =>
        forge(h, p, es256(key.privateKey));
      await me(signed(header, { ...payload, iat: now - 5, nbf: now - 5, exp: now + 60 })).expect(200);

      await expectRefused(signed(header, { ...payload, iss: "http://evil.test" }));
      await expectRefused(signed(header, { ...payload, aud: "urn:another:audience" }));
      await expectRefused(signed({ ...header, typ: "JWT" }, payload));
      const { typ: _typ, ...untyped } = header;
      await expectRefused(signed(untyped, payload));
      await expectRefused(signed(header, { ...payload, iat: now - 700, nbf: now - 700, exp: now - 35 }));
      const { exp: _exp, ...eternal } = payload;
      await expectRefused(signed(header, eternal));
      await expectRefused(signed(header, { ...payload, nbf: now + 35 }));
    });

    it("B3: a refresh token presented as an access token is 401", async () => {
      const { tokens } = await genuine();
      await expectRefused(tokens.refresh_token);
    });
  });

  describe("B5: lifetimes", () => {
    it("B5: access tokens live at most 15 minutes, and no longer lifetime can be configured", async () => {
      const { tokens, payload } = await genuine();
      expect(tokens.expires_in).toBeLessThanOrEqual(900);
      expect((payload.exp as number) - (payload.iat as number)).toBe(tokens.expires_in);
      expect(() => loadConfig({ ...sigil.env, SIGIL_ACCESS_TOKEN_TTL: "901" })).toThrow(
        expect.objectContaining({
          code: "config_invalid",
          details: expect.objectContaining({ key: "SIGIL_ACCESS_TOKEN_TTL" }),
        }),
      );
    });

    describe("with an idle limit of 300 s and an absolute limit of 900 s", () => {
      let short: Api;
      beforeAll(async () => {
        short = await listen(
          await sigil.createInstance({ SIGIL_REFRESH_IDLE_TTL: "300", SIGIL_REFRESH_ABSOLUTE_TTL: "900" }),
        );
      });
      // Time passes by moving the session's recorded times into the past (see ageSession).
      const age = (tokens: Tokens, seconds: number) => ageSession(sigil, tokens.session_id, seconds);

      it("B5: a refresh token unused for longer than the idle limit is refused", async () => {
        const login = await tokensFor(short, trader);
        const [row] = await sigil.database.dataSource.query(
          `SELECT extract(epoch FROM expires_at - created_at) AS ttl FROM refresh_tokens WHERE session_id = $1`,
          [login.session_id],
        );
        expect(Number(row.ttl)).toBe(300);

        await age(login, 290);
        const kept = await refresh(login.refresh_token, short);
        expect(kept.status).toBe(200);
        await age(login, 301);
        expectError(await refresh(kept.body.refresh_token, short), 400, "invalid_grant");
      });

      it("B5: a session ends at the absolute limit however often it is refreshed", async () => {
        let tokens = await tokensFor(short, trader);
        const sessionId = tokens.session_id;
        for (let i = 0; i < 3; i++) {
          await age(tokens, 280);
          const next = await refresh(tokens.refresh_token, short);
          expect(next.status).toBe(200);
          tokens = next.body;
        }
        // 840 s in: the last refresh token may not outlive the session's absolute end (60 s away).
        const [row] = await sigil.database.dataSource.query(
          `SELECT extract(epoch FROM s.absolute_expires_at - t.expires_at) AS gap
             FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
            WHERE t.session_id = $1 AND t.used_at IS NULL`,
          [sessionId],
        );
        expect(Number(row.gap)).toBe(0);
        await me(tokens.access_token, short).expect(200);

        await age(tokens, 70);
        expectError(await refresh(tokens.refresh_token, short), 400, "invalid_grant");
        expectError(await me(tokens.access_token, short), 401, "invalid_token");
      });
    });
  });

  describe("B6: refresh rotation", () => {
    const reuseEvents = (sessionId: string) =>
      sigil.database.dataSource.query(
        `SELECT * FROM audit_events WHERE type = 'refresh_token_reuse' AND data->>'sessionId' = $1`,
        [sessionId],
      );

    it("B6: refresh rotates the token; replaying the spent one revokes the whole family and writes an audit event", async () => {
      const login = await tokensFor(strict, trader);
      const rotated = await refresh(login.refresh_token, strict);
      expect(rotated.status).toBe(200);
      expect(rotated.body.refresh_token).not.toBe(login.refresh_token);
      expect(rotated.body.session_id).toBe(login.session_id);
      await me(rotated.body.access_token, strict).expect(200);
      expect(await reuseEvents(login.session_id)).toHaveLength(0);

      expectError(await refresh(login.refresh_token, strict), 400, "invalid_grant");

      expectError(await refresh(rotated.body.refresh_token, strict), 400, "invalid_grant");
      await expectRefused(rotated.body.access_token);
      await expectRefused(login.access_token);
      const events = await reuseEvents(login.session_id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ outcome: "failure", subject: login.sub });
      expect(await sessionRow(sigil.database.dataSource, login.session_id)).toMatchObject({
        revoked_reason: "refresh_token_reuse",
      });
    });

    it("B6: within the grace a replay is a lost response: it is answered once more and the sibling issued before is revoked", async () => {
      const login = await tokensFor(api, trader);
      const first = await refresh(login.refresh_token);
      expect(first.status).toBe(200);
      const replay = await refresh(login.refresh_token);
      expect(replay.status).toBe(200);

      expect((await introspect(first.body.refresh_token)).body.active).toBe(false);
      expect((await refresh(replay.body.refresh_token)).status).toBe(200);
      expect(await reuseEvents(login.session_id)).toHaveLength(0);
      // Presenting the revoked sibling now would be reuse (J2, refresh-grace.test.ts).
    });

    it("B6: the grace runs from the token's first use: replaying inside it again and again does not extend it", async () => {
      const login = await tokensFor(api, trader);
      expect((await refresh(login.refresh_token)).status).toBe(200);
      await ageSession(sigil, login.session_id, 6);
      expect((await refresh(login.refresh_token)).status).toBe(200);
      await ageSession(sigil, login.session_id, 6);
      // 12 s after its first use, past the 10 s grace: theft, whatever happened in between.
      expectError(await refresh(login.refresh_token), 400, "invalid_grant");
      expect(await reuseEvents(login.session_id)).toHaveLength(1);
    });

    it("B6: without a grace, a replay is theft even when its clock reads no later than the rotation's", async () => {
      const login = await tokensFor(strict, trader);
      expect((await refresh(login.refresh_token, strict)).status).toBe(200);
      // The rotating instance's clock ran 2 s ahead of the one the replay reaches (instances differ).
      await sigil.database.dataSource.query(
        `UPDATE refresh_tokens SET used_at = used_at + interval '2 seconds'
          WHERE session_id = $1 AND used_at IS NOT NULL`,
        [login.session_id],
      );
      expectError(await refresh(login.refresh_token, strict), 400, "invalid_grant");
      expect(await reuseEvents(login.session_id)).toHaveLength(1);
    });

    it("B6: concurrent refreshes of one token without a grace: exactly one succeeds", async () => {
      const login = await tokensFor(strict, trader);
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => refresh(login.refresh_token, strict)),
      );
      expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
      for (const response of responses.filter((r) => r.status !== 200))
        expectError(response, 400, "invalid_grant");
    });

    it("B6: concurrent refreshes within the grace are all answered, and exactly one refresh token stays live", async () => {
      const login = await tokensFor(api, trader);
      const responses = await Promise.all(Array.from({ length: 10 }, () => refresh(login.refresh_token)));
      expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
      const states = await Promise.all(responses.map((response) => introspect(response.body.refresh_token)));
      expect(states.filter((state) => state.body.active === true)).toHaveLength(1);
    });
  });

  it("B6: rotations that arrive together share one transaction (group commit), each with its own outcome and rows", async () => {
    const logins = await Promise.all(Array.from({ length: 5 }, () => tokensFor(api, trader)));
    const access = await sigil.app.get(AccessReaderService).read(31337, trader.address, "eoa");
    const sessions = sigil.app.get(SessionService);
    const rotate = (refreshToken: string) =>
      sessions.rotateRefresh({
        context: { requestId: "group-commit", clientAddress: null, userAgent: null },
        now: new Date(),
        tokenHash: hashRefreshToken(refreshToken),
        grantedScopes: access.scopes,
        access,
      });
    // Called in one turn: one batch. An unknown token in it is refused alone.
    const outcomes = await Promise.allSettled([
      ...logins.map((login) => rotate(login.refresh_token)),
      rotate(`srt_${"A".repeat(43)}`),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([...Array(5).fill("fulfilled"), "rejected"]);
    expect((outcomes[5] as PromiseRejectedResult).reason).toMatchObject({ code: "invalid_grant" });

    const ids = logins.map((login) => login.session_id);
    const written: { table: string; xid: string; rows: number }[] = await sigil.database.dataSource.query(
      `SELECT 'refresh_tokens' AS "table", xmin::text AS xid, count(*)::int AS rows FROM refresh_tokens
        WHERE session_id::text = ANY($1) AND parent_id IS NOT NULL GROUP BY xmin
       UNION ALL
       SELECT 'grants', xmin::text, count(*)::int FROM grants
        WHERE session_id::text = ANY($1) AND method = 'refresh' GROUP BY xmin
       UNION ALL
       SELECT 'audit_events', xmin::text, count(*)::int FROM audit_events
        WHERE type = 'token_refreshed' AND data->>'sessionId' = ANY($1) GROUP BY xmin`,
      [ids],
    );
    // Five of each, all written by one transaction.
    expect(written.map(({ table, rows }) => [table, rows])).toEqual([
      ["refresh_tokens", 5],
      ["grants", 5],
      ["audit_events", 5],
    ]);
    expect(new Set(written.map((row) => row.xid)).size).toBe(1);
    for (const outcome of outcomes.slice(0, 5)) {
      const rotated = (outcome as PromiseFulfilledResult<Tokens>).value;
      await me(rotated.access_token).expect(200);
      expect((await refresh(rotated.refresh_token)).status).toBe(200);
    }
  });

  // Two transactions at once: a PostgreSQL server only (embedded PGlite has one connection).
  const onServer = process.env.TEST_DATABASE_URL ? it : it.skip;

  onServer(
    "B7: a refresh racing the revocation of its session waits for it, then is refused, never deadlocks",
    async () => {
      const login = await tokensFor(api, trader);
      const revocation = sigil.database.dataSource.createQueryRunner();
      await revocation.connect();
      let refreshed: Promise<Response>;
      try {
        await revocation.startTransaction();
        // A revocation's steps (SessionService.revoke): the session locked, then its tokens ended.
        await revocation.query(`SELECT id FROM sessions WHERE id = $1 FOR UPDATE`, [login.session_id]);
        refreshed = refresh(login.refresh_token).then((response) => response);
        await waitFor(async () => {
          const [row] = await sigil.database.dataSource.query(
            `SELECT count(*)::int AS waiting FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query LIKE '%FROM refresh_tokens t JOIN sessions s%'`,
          );
          return row.waiting === 1;
        });
        await revocation.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE session_id = $1`, [
          login.session_id,
        ]);
        await revocation.query(
          `UPDATE sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE id = $1`,
          [login.session_id],
        );
        await revocation.commitTransaction();
      } finally {
        await revocation.release();
      }
      expectError(await refreshed, 400, "invalid_grant");
    },
  );

  describe("B7: logout and revocation reach every instance", () => {
    let other: Api;
    beforeAll(async () => {
      other = await listen(await sigil.createInstance());
    });

    it("B7: logout on one instance is refused by another on the next request, within 1 s", async () => {
      const tokens = await tokensFor(api, trader);
      await me(tokens.access_token, other).expect(200);
      await api.post("/v1/auth/logout").set(bearer(tokens.access_token)).expect(204);
      const loggedOutAt = Date.now();
      expectError(await me(tokens.access_token, other), 401, "invalid_token");
      expect(Date.now() - loggedOutAt).toBeLessThan(1_000);
      expectError(await refresh(tokens.refresh_token, other), 400, "invalid_grant");
      expect(await introspect(tokens.access_token, other).then((r) => r.body)).toEqual({ active: false });
    });

    it("B7: revoking the refresh token (RFC 7009) ends its access tokens; introspection then answers only {active: false}", async () => {
      const tokens = await tokensFor(api, trader);
      const revoked = await other.post("/oauth/revoke").type("form").send({ token: tokens.refresh_token });
      expect([revoked.status, revoked.body]).toEqual([200, {}]);
      expectError(await me(tokens.access_token), 401, "invalid_token");
      expectError(await refresh(tokens.refresh_token), 400, "invalid_grant");
      for (const token of [tokens.access_token, tokens.refresh_token]) {
        expect((await introspect(token)).body).toEqual({ active: false });
      }
    });

    it("B7: revoking the access token, or deleting the session, ends the session everywhere", async () => {
      const byToken = await tokensFor(api, trader);
      await other
        .post("/oauth/revoke")
        .send({ token: byToken.access_token, token_type_hint: "access_token" })
        .expect(200);
      expectError(await me(byToken.access_token), 401, "invalid_token");
      expectError(await refresh(byToken.refresh_token), 400, "invalid_grant");

      const byDelete = await tokensFor(api, trader);
      await other
        .delete(`/v1/sessions/${byDelete.session_id}`)
        .set(bearer(byDelete.access_token))
        .expect(204);
      expectError(await me(byDelete.access_token), 401, "invalid_token");
      expect((await introspect(byDelete.refresh_token)).body).toEqual({ active: false });
    });
    it("B7: the revocation feed tells resource servers of a logout at once, paging by cursor", async () => {
      const feed = (after?: string) =>
        api
          .get("/v1/revocations")
          .query(after === undefined ? {} : { after })
          .set(basic());
      const start = await feed();
      expect(start.status).toBe(200);
      const tokens = await tokensFor(api, viewer);
      await other.post("/v1/auth/logout").set(bearer(tokens.access_token)).expect(204);

      const next = await feed(start.body.cursor);
      expect(next.body.revocations).toEqual([
        expect.objectContaining({ sid: tokens.session_id, reason: "logout" }),
      ]);
      expect(BigInt(next.body.cursor)).toBeGreaterThan(BigInt(start.body.cursor));
      expect(next.body.more).toBe(false);
      expect((await feed(next.body.cursor)).body).toEqual({
        revocations: [],
        cursor: next.body.cursor,
        more: false,
      });

      for (const cursor of [
        "-1",
        "abc",
        "1e3",
        "9".repeat(20),
        "9223372036854775808",
        "9999999999999999999",
      ]) {
        expectError(await feed(cursor), 400, "invalid_request");
      }
    });
  });

  describe("B8: introspection (RFC 7662)", () => {
    it("B8: introspection requires client authentication", async () => {
      const tokens = await tokensFor(api, viewer);
      const attempts: [string, Record<string, string>][] = [
        ["no credentials", {}],
        ["a wrong secret", basic(undefined, "not-the-secret-0123456789abcdef012345")],
        ["an unknown client", basic("someone-else")],
        ["an empty secret", basic(undefined, "")],
        ["a Bearer token", bearer(tokens.access_token)],
      ];
      for (const [_name, headers] of attempts) {
        const response = await api
          .post("/oauth/introspect")
          .set(headers)
          .send({ token: tokens.access_token });
        expectError(response, 401, "invalid_client");
        expect(response.headers["www-authenticate"]).toMatch(/^Basic /);
      }
    });

    it('B8: an active token is described; anything inactive gets exactly {"active": false}', async () => {
      const tokens = await tokensFor(api, viewer);
      const active = await api
        .post("/oauth/introspect")
        .set(basic())
        .type("form")
        .send({ token: tokens.access_token });
      expect(active.status).toBe(200);
      expect(active.headers["cache-control"]).toBe("no-store");
      expect(active.body).toMatchObject({
        active: true,
        token_type: "access_token",
        sub: tokens.sub,
        sid: tokens.session_id,
        scope: "positions:read",
      });
      expect((await introspect(tokens.refresh_token)).body).toMatchObject({
        active: true,
        token_type: "refresh_token",
        sub: tokens.sub,
      });

      const rotated = await refresh(tokens.refresh_token);
      expect(rotated.status).toBe(200);
      const payload = decodePart(tokens.access_token, 1);
      const expired = forge(
        decodePart(tokens.access_token, 0),
        { ...payload, iat: epoch() - 900, nbf: epoch() - 900, exp: epoch() - 60 },
        es256(key.privateKey),
      );
      const inactive = [
        tokens.refresh_token, // spent by the rotation above
        expired,
        "not-a-token",
        `srt_${"A".repeat(43)}`,
        forge({ alg: "none", typ: "at+jwt" }, payload, () => Buffer.alloc(0)),
      ];
      for (const token of inactive) {
        const response = await introspect(token);
        expect([response.status, JSON.stringify(response.body)]).toEqual([200, '{"active":false}']);
      }
    });
  });

  describe("B11: tokens never in URLs or logs", () => {
    it("B11: an access token in the URL is refused, even next to a valid Authorization header", async () => {
      const tokens = await tokensFor(api, trader);
      expectError(await api.get(`/v1/me?access_token=${tokens.access_token}`), 401, "unauthorized");
      const both = await api
        .get(`/v1/me?access_token=${tokens.access_token}`)
        .set(bearer(tokens.access_token));
      expectError(both, 401, "unauthorized");
    });

    it("B11: token responses are not cacheable and the tokens stay out of the logs, failures included", async () => {
      const { result, output } = await captureOutput(async () => {
        const login = await tokensFor(api, trader);
        const rotated: Response = await refresh(login.refresh_token);
        await me(rotated.body.access_token).expect(200);
        await introspect(rotated.body.access_token).expect(200);
        await sigil.chain.pause();
        let failed: Response;
        try {
          failed = await refresh(rotated.body.refresh_token);
        } finally {
          await sigil.chain.resume();
        }
        return { login, rotated, failed };
      });
      expect(result.rotated.headers["cache-control"]).toBe("no-store");
      expectError(result.failed, 503, "rpc_unavailable");
      // The 503 was logged (so there is a log to search), and it holds no token.
      expect(output).toContain("rpc_unavailable");
      const secrets = [
        result.login.access_token,
        result.login.refresh_token,
        result.rotated.body.access_token,
        result.rotated.body.refresh_token,
      ];
      for (const secret of secrets) {
        expect(output).not.toContain(secret);
        expect(output).not.toContain(secret.split(".").at(-1));
      }
    });
  });

  it("D1: with the chain RPC down, refresh answers 503 rpc_unavailable and the refresh token is not spent", async () => {
    const tokens = await tokensFor(api, trader);
    await sigil.chain.pause();
    let during: Response;
    try {
      ({ result: during } = await captureOutput(() => refresh(tokens.refresh_token)));
    } finally {
      await sigil.chain.resume();
    }
    expectError(during, 503, "rpc_unavailable");
    const after = await refresh(tokens.refresh_token);
    expect([after.status, after.body.scope]).toEqual([200, "orders:read orders:write positions:read"]);
  });

  it("A11: refresh tokens are stored only as hashes: no table holds one, and only the login and refresh responses show them", async () => {
    const login = await tokensFor(api, trader);
    const rotated = await refresh(login.refresh_token);
    expect(rotated.status).toBe(200);
    const dump = Object.entries(await dumpAllTables(sigil.database.dataSource));
    const everything = dump.map(([table, text]) => `${table}\n${text}`).join("\n");
    for (const token of [login.refresh_token, rotated.body.refresh_token]) {
      const secret = token.slice("srt_".length);
      for (const form of [
        token,
        secret,
        Buffer.from(token).toString("hex"),
        Buffer.from(secret, "base64url").toString("hex"),
      ]) {
        expect(everything).not.toContain(form);
      }
      // The dump does show stored values: the token's SHA-256 is there, in refresh_tokens only.
      const hash = createHash("sha256").update(token).digest("hex");
      expect(dump.filter(([, text]) => text.includes(hash)).map(([table]) => table)).toEqual([
        "refresh_tokens",
      ]);
    }
    const sessions = await api.get("/v1/sessions").set(bearer(rotated.body.access_token)).expect(200);
    expect(JSON.stringify(sessions.body)).not.toContain(rotated.body.refresh_token.slice(4));
  });
});
