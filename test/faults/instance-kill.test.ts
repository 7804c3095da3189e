// SECURITY-TESTS G1: kill -9 of an auth-api process in the middle of sign-ins. Whatever was in
// flight, the database holds whole logins only (nonce consumed ⇔ session, grant and audit rows).
import { setTimeout as sleep } from "node:timers/promises";
import { type AuthApiProcess, startAuthApiProcess } from "./support/auth-api-process.js";
import { type SentLogin, startLoginLoad, waitForTokens } from "./support/login-load.js";
import { postgresBinariesInstalled } from "./support/own-postgres.js";
import { type SigilOnOwnPostgres, startSigilOnOwnPostgres } from "./support/sigil-on-own-postgres.js";

// Two processes share the database only on a real server: this suite brings its own.
const withPostgresBinaries = postgresBinariesInstalled ? describe : describe.skip;
const title = `G1: kill -9 of an instance mid-login${postgresBinariesInstalled ? "" : " (SKIPPED: no initdb/pg_ctl under /usr/lib/postgresql/15/bin)"}`;

withPostgresBinaries(title, () => {
  let env: SigilOnOwnPostgres;
  let instance: AuthApiProcess | undefined;
  const query = <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
    env.sigil.database.dataSource.query(sql, params);
  const processEnv = () => ({ ...env.sigil.env, DATABASE_URL: env.databaseUrl });

  beforeAll(async () => {
    env = await startSigilOnOwnPostgres();
  }, 120_000);

  afterAll(async () => {
    await instance?.kill();
    await env?.close();
  });

  it("G1: kill -9 mid-login leaves no session without grant and audit rows and no reusable nonce", async () => {
    instance = await startAuthApiProcess(processEnv());
    const load = startLoginLoad({ url: instance.url, workers: 8, pauseMs: 0 });
    await waitForTokens(load, 20, 30_000).catch((error) => {
      throw new Error(`${error.message}\n${instance!.stderr()}`);
    });
    // Kill while requests are in flight (8 closed-loop clients with no pause always have some).
    await instance.kill();
    await sleep(200);
    await load.stop();

    // Each consumed nonce belongs to exactly one session (same wallet, same instant), and back.
    const orphanNonces = await query(
      `SELECT n.nonce FROM nonces n WHERE n.consumed_at IS NOT NULL AND (SELECT count(*) FROM sessions s
          WHERE s.created_at = n.consumed_at AND lower(s.address) = lower(n.address)) <> 1`,
    );
    expect(orphanNonces).toEqual([]);
    const sessionsWithoutNonce = await query(
      `SELECT s.id FROM sessions s WHERE (SELECT count(*) FROM nonces n
          WHERE n.consumed_at = s.created_at AND lower(n.address) = lower(s.address)) <> 1`,
    );
    expect(sessionsWithoutNonce).toEqual([]);
    // Every session has its siwe grant, first refresh token and login audit event.
    const incomplete = await query(
      `SELECT s.id FROM sessions s WHERE
         (SELECT count(*) FROM grants g WHERE g.session_id = s.id AND g.method = 'siwe') <> 1
      OR (SELECT count(*) FROM refresh_tokens r WHERE r.session_id = s.id) < 1
      OR (SELECT count(*) FROM audit_events a WHERE a.type = 'login' AND a.outcome = 'success'
             AND a.data->>'sessionId' = s.id::text) <> 1`,
    );
    expect(incomplete).toEqual([]);
    // Every token a client received is such a session.
    const sessions = new Set((await query<{ id: string }>(`SELECT id FROM sessions`)).map((row) => row.id));
    expect(load.tokens.filter((token) => !sessions.has(token.sessionId))).toEqual([]);
    expect(sessions.size).toBeGreaterThanOrEqual(load.tokens.length);

    // A fresh instance on the same data: each login sent (answered, or lost in the kill) opens at
    // most one session in all. A committed one is refused; an uncommitted one works once, then never.
    instance = await startAuthApiProcess(processEnv());
    const replay = async (login: SentLogin) => {
      const response = await fetch(`${instance!.url}/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(login),
      });
      return response.status === 200 ? "ok" : ((await response.json()) as { error: string }).error;
    };
    const inFlight = load.sent.slice(-12);
    for (const login of inFlight) {
      const nonce = /\nNonce: ([0-9a-zA-Z]+)\n/.exec(login.message)![1];
      const [row] = await query<{ consumed: boolean }>(
        `SELECT consumed_at IS NOT NULL AS consumed FROM nonces WHERE nonce = $1`,
        [nonce],
      );
      const first = await replay(login);
      const second = await replay(login);
      expect({ nonce, first, second }).toEqual({
        nonce,
        first: row!.consumed ? "nonce_used" : "ok",
        second: "nonce_used",
      });
    }
    const fresh = startLoginLoad({ url: instance.url, workers: 1 });
    await waitForTokens(fresh, 1, 15_000).finally(() => fresh.stop());
  }, 120_000);
});
