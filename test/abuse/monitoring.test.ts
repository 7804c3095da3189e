// SECURITY-TESTS I1 (one structured security event per failure, audited and counted), I2 (no
// token or secret in logs), I3 (log injection stays one encoded field) and E5 (generic errors).
import type { INestApplication } from "@nestjs/common";
import { createApp, loadConfig } from "../../apps/auth-api/src/index.js";
import { SessionEntity } from "@sigil/persistence";
import { SessionService } from "../../apps/auth-api/src/sessions/session.service.js";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { Writable } from "node:stream";
import request from "supertest";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";

describe("I1-I3, E5: security events, logs and metrics", () => {
  let sigil: SigilTestEnvironment;
  let app: INestApplication;
  const lines: string[] = [];

  beforeAll(async () => {
    sigil = await startSigil();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        done();
      },
    });
    app = await createApp({
      config: loadConfig({ ...sigil.env, SIGIL_LOG_LEVEL: "info", SIGIL_ALERT_FAILURE_BURST: "3" }),
      dataSource: sigil.database.dataSource,
      logStream: sink,
    });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await sigil?.close();
  });

  const scrape = async () => (await request(app.getHttpServer()).get("/metrics").expect(200)).text;
  /** The value of one series (`name{labels}` exactly as exposed) in a scrape; 0 when absent. */
  const sample = (text: string, series: string) => {
    const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
    return Number(line?.slice(series.length + 1) ?? 0);
  };

  it("I1: failed sign-ins are typed security events: audited with request id, counted, and a burst alerts", async () => {
    const trader = devAccount(DevAccountIndex.trader);
    const challenge = await request(app.getHttpServer())
      .post("/v1/auth/challenge")
      .send({ address: trader.address, chainId: 31337 })
      .expect(200);
    const forged = `0x${"11".repeat(65)}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await request(app.getHttpServer())
        .post("/v1/auth/login")
        .send({ message: challenge.body.message, signature: forged });
      expect(response.status).toBe(401);
      ids.push(response.body.requestId);
    }
    const rows = (await sigil.database.dataSource.query(
      `SELECT type, outcome, subject, request_id, data FROM audit_events WHERE request_id = ANY($1) ORDER BY id`,
      [ids],
    )) as { type: string; outcome: string; subject: string; request_id: string; data: { reason: string } }[];
    const failures = rows.filter((row) => row.type !== "security.alert");
    expect(failures).toHaveLength(3);
    for (const row of failures) {
      expect(row.type).toMatch(/^security\.(signature_failed|login_failed)$/);
      expect(row.outcome).toBe("failure");
      expect(row.subject).toBe(trader.address);
      expect(row.data.reason).toMatch(/^[a-z_]+$/);
    }
    expect(rows.filter((row) => row.type === "security.alert").length).toBeGreaterThanOrEqual(1);
    const metrics = await request(app.getHttpServer()).get("/metrics").expect(200);
    expect(metrics.text).toMatch(
      /sigil_logins_total\{outcome="failure",signature_kind="eoa",reason="[a-z_]+"\} 3/,
    );
    expect(metrics.text).toMatch(/sigil_security_alerts_total\{detector="failure_burst_per_wallet"\} 1/);
    expect(metrics.text).toMatch(
      /sigil_http_request_duration_seconds_count\{method="POST",route="\/v1\/auth\/login",status="401"\} 3/,
    );
  });

  it("I2: no access token, refresh token or signature appears in the logs", async () => {
    const response = await signIn({ app, account: devAccount(DevAccountIndex.viewer) });
    expect(response.status).toBe(200);
    const { access_token: accessToken, refresh_token: refreshToken } = response.body;
    // A token in the query string (refused) and in the header (accepted): neither may be logged.
    await request(app.getHttpServer()).get(`/v1/me?access_token=${accessToken}`);
    await request(app.getHttpServer())
      .get("/v1/me")
      .set("Authorization", `Bearer ${accessToken}`)
      .expect(200);
    await request(app.getHttpServer())
      .post("/v1/auth/refresh")
      .send({ refresh_token: refreshToken })
      .expect(200);
    const log = lines.join("\n");
    expect(lines.length).toBeGreaterThan(3);
    expect(log).not.toContain(accessToken);
    expect(log).not.toContain(refreshToken);
    expect(log).not.toContain(accessToken.split(".")[2]);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const me = lines
      .map((line) => JSON.parse(line))
      .find((entry) => entry.req?.path === "/v1/me" && entry.res?.statusCode === 200);
    expect(me).toMatchObject({
      req: { method: "GET", path: "/v1/me" },
      res: { statusCode: 200 },
      route: "/v1/me",
    });
    expect(me.req.id).toEqual(expect.any(String));
    expect(me.req.clientAddress).toMatch(/127\.0\.0\.1$/);
    expect(Object.keys(me.req).sort()).toEqual(["clientAddress", "id", "method", "path"]);
  });

  it("I3: newlines and ANSI codes in a request stay inside one JSON field of one line", async () => {
    const before = lines.length;
    const evil = "/v1/nope%0A%1B[31mFAKE%20LOG%20LINE%0D";
    await request(app.getHttpServer()).get(evil).expect(404);
    const added = lines.slice(before);
    expect(added).toHaveLength(1);
    const entry = JSON.parse(added[0]!);
    expect(entry.req.path).toBe(evil);
    for (const control of ["\n", "\r", "\u001b"]) expect(added[0]).not.toContain(control);
  });

  it("I3: a SIWE statement with newlines and ANSI codes stays one encoded field of one line per request", async () => {
    const trader = devAccount(DevAccountIndex.trader);
    const challenge = await request(app.getHttpServer())
      .post("/v1/auth/challenge")
      .send({ address: trader.address, chainId: 31337 })
      .expect(200);
    const statement = 'Sign in\n{"level":50,"msg":"FAKE admin login"}\r\n\u001b[31mred\u001b[0m';
    // The challenge's own statement is line 4 (after the address and a blank line): replace it.
    const parts = (challenge.body.message as string).split("\n");
    const message = [...parts.slice(0, 3), statement, ...parts.slice(4)].join("\n");
    const before = lines.length;
    const response = await request(app.getHttpServer())
      .post("/v1/auth/login")
      .send({ message, signature: `0x${"11".repeat(65)}` });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe("siwe_message_invalid");
    const added = lines.slice(before);
    const entries = added.map((line) => JSON.parse(line));
    // One request line for the login, nothing forged: every line is an object the app wrote.
    const requestLines = entries.filter((entry) => entry.req?.id === response.body.requestId);
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ req: { path: "/v1/auth/login" }, res: { statusCode: 401 } });
    const requestLine = added[entries.indexOf(requestLines[0])]!;
    expect(requestLine.match(/"route":/g)).toHaveLength(1);
    expect(entries.some((entry) => entry.msg === "FAKE admin login")).toBe(false);
    // The statement reached the log, whole, inside one field of the security event's line...
    const event = entries.find((entry) => entry.securityEvent?.requestId === response.body.requestId);
    expect(event.securityEvent.details.statement).toBe(statement);
    // ...and only JSON-escaped: no raw newline, carriage return or ESC byte anywhere in the output.
    const raw = added.join("");
    for (const control of ["\n", "\r", "\u001b"]) expect(raw).not.toContain(control);
    expect(raw).toContain(String.raw`\n{\"level\":50`);
    expect(raw).toContain(String.raw`\u001b[31mred`);
  });

  it("every revocation path counts once in sigil_tokens_revoked_total, by reason", async () => {
    const server = app.getHttpServer();
    const viewer = devAccount(DevAccountIndex.viewer);
    const revoked = async (reason: string) => {
      return sample(await scrape(), `sigil_tokens_revoked_total{reason="${reason}"}`);
    };
    const session = async () => {
      const response = await signIn({ app, account: viewer });
      expect(response.status).toBe(200);
      return response.body as { session_id: string; access_token: string; refresh_token: string };
    };
    const start = {
      owner: await revoked("revoked_by_owner"),
      token: await revoked("revoked_token"),
      logout: await revoked("logout"),
      reuse: await revoked("refresh_token_reuse"),
    };

    const [first, second] = [await session(), await session()];
    await request(server)
      .delete(`/v1/sessions/${first.session_id}`)
      .set("Authorization", `Bearer ${second.access_token}`)
      .expect(204);
    expect(await revoked("revoked_by_owner")).toBe(start.owner + 1);

    // RFC 7009: a second revoke of the same token answers 200 but ends nothing, so counts nothing.
    for (let i = 0; i < 2; i += 1) {
      await request(server).post("/oauth/revoke").send({ token: second.refresh_token }).expect(200);
    }
    expect(await revoked("revoked_token")).toBe(start.token + 1);

    const third = await session();
    await request(server)
      .post("/v1/auth/logout")
      .set("Authorization", `Bearer ${third.access_token}`)
      .expect(204);
    expect(await revoked("logout")).toBe(start.logout + 1);

    // Reuse: token 1 rotated to 2, 2 rotated to 3, then 1 replayed (no lost-response grace applies).
    const fourth = await session();
    const rotated = await request(server)
      .post("/v1/auth/refresh")
      .send({ refresh_token: fourth.refresh_token })
      .expect(200);
    await request(server)
      .post("/v1/auth/refresh")
      .send({ refresh_token: rotated.body.refresh_token })
      .expect(200);
    await request(server).post("/v1/auth/refresh").send({ refresh_token: fourth.refresh_token }).expect(400);
    expect(await revoked("refresh_token_reuse")).toBe(start.reuse + 1);
    expect(await revoked("revoked_by_owner")).toBe(start.owner + 1);

    // A revocation whose transaction rolls back (a role-sync batch that will be retried) counts nothing.
    const fifth = await session();
    const roleRevokedBefore = await revoked("role_revoked");
    const sessions = app.get(SessionService);
    await expect(
      sigil.database.dataSource.transaction(async (manager) => {
        const row = await manager.getRepository(SessionEntity).findOneByOrFail({ id: fifth.session_id });
        await sessions.revokeWithin(manager, {
          session: row,
          reason: "role_revoked",
          now: new Date(),
          requestId: "rolled-back-batch",
        });
        throw new Error("batch failed");
      }),
    ).rejects.toThrow("batch failed");
    expect(await revoked("role_revoked")).toBe(roleRevokedBefore);
    await request(server).get("/v1/me").set("Authorization", `Bearer ${fifth.access_token}`).expect(200);
  });

  it("sign-in and refresh outcomes are counted: logins, tokens issued by method, refreshes, refresh reuse with its event", async () => {
    const server = app.getHttpServer();
    const counters = async () => {
      const text = await scrape();
      return {
        logins: sample(text, 'sigil_logins_total{outcome="success",signature_kind="eoa",reason="none"}'),
        siwe: sample(text, 'sigil_tokens_issued_total{method="siwe"}'),
        refreshIssued: sample(text, 'sigil_tokens_issued_total{method="refresh"}'),
        refreshed: sample(text, "sigil_tokens_refreshed_total"),
        reuse: sample(text, "sigil_refresh_reuse_total"),
      };
    };
    const before = await counters();
    const login = await signIn({ app, account: devAccount(DevAccountIndex.viewer) });
    expect(login.status).toBe(200);
    const rotated = await request(server)
      .post("/v1/auth/refresh")
      .send({ refresh_token: login.body.refresh_token })
      .expect(200);
    await request(server)
      .post("/v1/auth/refresh")
      .send({ refresh_token: rotated.body.refresh_token })
      .expect(200);
    // The first token, two rotations back: reuse (past the lost-response grace), family revoked.
    const replay = await request(server)
      .post("/v1/auth/refresh")
      .send({ refresh_token: login.body.refresh_token })
      .expect(400);
    expect(await counters()).toEqual({
      logins: before.logins + 1,
      siwe: before.siwe + 1,
      refreshIssued: before.refreshIssued + 2,
      refreshed: before.refreshed + 2,
      reuse: before.reuse + 1,
    });
    const events = lines
      .map(
        (line) =>
          JSON.parse(line) as { reqId?: string; requestId?: string; securityEvent?: { type: string } },
      )
      .filter((line) => line.securityEvent?.type === "refresh_reuse");
    expect(events.some((line) => JSON.stringify(line).includes(replay.body.requestId as string))).toBe(true);
  });

  it("sigil_db_write_batch_size counts every nonce and login row once, in batches", async () => {
    const batches = async () => {
      const text = await scrape();
      return {
        loginRows: sample(text, 'sigil_db_write_batch_size_sum{statement="login"}'),
        loginStatements: sample(text, 'sigil_db_write_batch_size_count{statement="login"}'),
        nonceRows: sample(text, 'sigil_db_write_batch_size_sum{statement="nonce"}'),
        nonceStatements: sample(text, 'sigil_db_write_batch_size_count{statement="nonce"}'),
      };
    };
    const before = await batches();
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => signIn({ app, account: devAccount(DevAccountIndex.viewer) })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(200));
    const after = await batches();
    expect(after.loginRows - before.loginRows).toBe(6);
    expect(after.nonceRows - before.nonceRows).toBe(6);
    expect(after.loginStatements - before.loginStatements).toBeGreaterThanOrEqual(1);
    expect(after.loginStatements - before.loginStatements).toBeLessThanOrEqual(6);
    expect(after.nonceStatements - before.nonceStatements).toBeGreaterThanOrEqual(1);
  });

  it("with SIGIL_METRICS_TOKEN set, /metrics answers only a scraper sending it as a Bearer token", async () => {
    const token = "scrape-".padEnd(40, "x");
    const guarded = await sigil.createInstance({ SIGIL_METRICS_TOKEN: token });
    const server = guarded.getHttpServer();
    const refused = await request(server).get("/metrics").expect(401);
    expect(refused.body.error).toBe("unauthorized");
    expect(refused.headers["www-authenticate"]).toMatch(/^Bearer/);
    await request(server).get("/metrics").set("Authorization", `Bearer ${token}x`).expect(401);
    await request(server).get("/metrics").set("Authorization", `Basic ${token}`).expect(401);
    const scraped = await request(server).get("/metrics").set("Authorization", `Bearer ${token}`).expect(200);
    expect(scraped.text).toMatch(/^# HELP /m);
    // Without the setting the route stays public (this suite's app).
    await request(app.getHttpServer()).get("/metrics").expect(200);
    expect(() => loadConfig({ ...sigil.env, SIGIL_METRICS_TOKEN: "short" })).toThrow(/at least 32/);
  });

  it("E5: errors are generic: no stack trace and no SQL in a 500 or 4xx body", async () => {
    const response = await request(app.getHttpServer())
      .post("/v1/auth/login")
      .send({ message: "' OR 1=1; --\n", signature: "0x" });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(Object.keys(response.body).sort()).toEqual(["error", "message", "requestId"]);
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+|SELECT|INSERT|node_modules/);
  });
});
