// SECURITY-TESTS G2: PostgreSQL crashes (pg_ctl stop -m immediate) and comes back while clients sign
// in and refresh. The server is this test's own, never the machine's shared one.
import type { INestApplication } from "@nestjs/common";
import { setTimeout as sleep } from "node:timers/promises";
import { type LoginLoad, startLoginLoad, waitForTokens } from "./support/login-load.js";
import { postgresBinariesInstalled } from "./support/own-postgres.js";
import { type SigilOnOwnPostgres, startSigilOnOwnPostgres } from "./support/sigil-on-own-postgres.js";
import { listen, tokenClaims } from "./support/instances.js";
import { basic } from "../e2e/support/http.js";

const withPostgresBinaries = postgresBinariesInstalled ? describe : describe.skip;

const title = `G2: Postgres restarted under load${postgresBinariesInstalled ? "" : " (SKIPPED: no initdb/pg_ctl under /usr/lib/postgresql/15/bin)"}`;

withPostgresBinaries(title, () => {
  let env: SigilOnOwnPostgres;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    env = await startSigilOnOwnPostgres();
    app = env.sigil.app;
    url = await listen(app);
  }, 120_000);

  afterAll(async () => {
    await env?.close();
  });

  it("G2: every token a client received has its grant row; while down: 503 database_unavailable, introspection included; recovers by itself", async () => {
    const load: LoginLoad = startLoginLoad({ url, workers: 4, refresh: true });
    try {
      await waitForTokens(load, 12, 30_000);
      const crashedAt = Date.now();
      await env.postgres.crash();
      await sleep(1_500);
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(503);
      const downRefusals = load.refusals.filter((r) => r.at >= crashedAt).length;
      expect(downRefusals).toBeGreaterThan(0);
      // Introspection needs the database to know a session is live: while it is down the answer
      // is 503, never {active: false}, which a resource server would take as "revoked".
      const introspection = await fetch(`${url}/oauth/introspect`, {
        method: "POST",
        headers: { ...basic(), "content-type": "application/json" },
        body: JSON.stringify({ token: load.tokens[0]!.accessToken }),
      });
      expect(introspection.status).toBe(503);
      expect(await introspection.json()).toMatchObject({ error: "database_unavailable" });

      await env.postgres.start();
      // No restart, no operator: the pool reconnects on its own and sign-ins flow again.
      await waitForTokens(load, 12, 30_000);
    } finally {
      await load.stop();
    }

    const unexpected = load.refusals.filter((r) => r.status !== 503 || r.code !== "database_unavailable");
    expect(unexpected).toEqual([]);
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);

    const missing: string[] = [];
    for (const token of load.tokens) {
      const { sid, iat } = tokenClaims(token.accessToken);
      expect(sid).toBe(token.sessionId);
      const rows: unknown[] = await env.sigil.database.dataSource.query(
        `SELECT 1 FROM grants WHERE session_id = $1 AND method = $2
            AND floor(extract(epoch FROM issued_at)) = $3`,
        [sid, token.kind === "login" ? "siwe" : "refresh", iat],
      );
      if (rows.length !== 1) missing.push(`${token.kind} ${sid}`);
    }
    expect(missing).toEqual([]);
    expect(load.tokens.filter((t) => t.kind === "refresh").length).toBeGreaterThan(0);
  }, 120_000);
});
