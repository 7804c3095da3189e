// Scale-out: three auth-api instances behind a round-robin balancer share Postgres (and Redis).
// With TEST_DATABASE_URL each instance is its own process; embedded (PGlite allows one process)
// they are three app instances in this process on the one database.
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { randomBytes } from "node:crypto";
import { type AuthApiProcess, startAuthApiProcess } from "../faults/support/auth-api-process.js";
import { listen } from "../faults/support/instances.js";
import {
  startRoundRobinProxy,
  type RoundRobinProxy,
  UPSTREAM_HEADER,
} from "../fixtures/round-robin-proxy.js";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";

const separateProcesses = Boolean(process.env.TEST_DATABASE_URL);
const shared: Record<string, string> = process.env.TEST_REDIS_URL
  ? {
      REDIS_URL: process.env.TEST_REDIS_URL,
      SIGIL_REDIS_PREFIX: `sigil-scale-${randomBytes(4).toString("hex")}`,
    }
  : {};

interface Answer {
  status: number;
  upstream: number;
  body: Record<string, string>;
}

describe(`scale-out: 3 instances behind a round-robin balancer (${separateProcesses ? "processes on PostgreSQL" : "in-process on PGlite"})`, () => {
  let sigil: SigilTestEnvironment;
  const processes: AuthApiProcess[] = [];
  let instanceUrls: string[];
  let proxy: RoundRobinProxy;

  /** One more instance on the same database (and Redis): a process with a server, else in-process. */
  const startInstance = async (): Promise<{ url: string; stop(): Promise<void> }> => {
    if (separateProcesses) {
      const env = {
        ...sigil.env,
        ...shared,
        DATABASE_URL: (sigil.database.dataSource.options as { url: string }).url,
      };
      const started = await startAuthApiProcess(env);
      processes.push(started);
      return { url: started.url, stop: started.kill };
    }
    const app = await sigil.createInstance(shared);
    return { url: await listen(app), stop: () => app.close() };
  };

  const call = async (
    base: string,
    method: string,
    path: string,
    p: { body?: unknown; token?: string } = {},
  ) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(p.body === undefined ? {} : { "content-type": "application/json" }),
        ...(p.token ? { authorization: `Bearer ${p.token}` } : {}),
      },
      body: p.body === undefined ? undefined : JSON.stringify(p.body),
    });
    const text = await response.text();
    return {
      status: response.status,
      upstream: Number(response.headers.get(UPSTREAM_HEADER)),
      body: text ? JSON.parse(text) : {},
    } satisfies Answer;
  };

  beforeAll(async () => {
    sigil = await startSigil(shared);
    instanceUrls = [];
    for (let i = 0; i < 3; i += 1) instanceUrls.push((await startInstance()).url);
    proxy = await startRoundRobinProxy(instanceUrls);
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    for (const started of processes) await started.kill();
    await sigil?.close();
  });

  let revoked: { token: string; sessionId: string } | undefined;

  it("signs in on one, refreshes on another, revokes on a third: the token is refused by every instance", async () => {
    const trader = devAccount(DevAccountIndex.trader);
    const challenge = await call(proxy.url, "POST", "/v1/auth/challenge", {
      body: { address: trader.address, chainId: 31337 },
    });
    const signature = await trader.signMessage({ message: challenge.body.message! });
    const login = await call(proxy.url, "POST", "/v1/auth/login", {
      body: { message: challenge.body.message, signature },
    });
    expect(login.status).toBe(200);
    // The nonce was issued by one instance and consumed by another.
    expect(login.upstream).not.toBe(challenge.upstream);

    const refresh = await call(proxy.url, "POST", "/v1/auth/refresh", {
      body: { refresh_token: login.body.refresh_token },
    });
    expect(refresh.status).toBe(200);
    expect(refresh.body.session_id).toBe(login.body.session_id);
    const token = refresh.body.access_token!;

    // Every instance accepts the refreshed token before the revocation.
    for (const url of instanceUrls) expect((await call(url, "GET", "/v1/me", { token })).status).toBe(200);
    // Steer the balancer so the revocation lands on the instance that did neither of the above.
    const third = 3 - login.upstream - refresh.upstream;
    while (proxy.served.length % 3 !== third) await call(proxy.url, "GET", "/health/live");

    const logout = await call(proxy.url, "POST", "/v1/auth/logout", { token });
    expect(logout.status).toBe(204);
    expect(new Set([login.upstream, refresh.upstream, logout.upstream]).size).toBe(3);

    for (const url of instanceUrls) {
      const me = await call(url, "GET", "/v1/me", { token });
      expect({ url, status: me.status, error: me.body.error }).toEqual({
        url,
        status: 401,
        error: "invalid_token",
      });
      const again = await call(url, "POST", "/v1/auth/refresh", {
        body: { refresh_token: refresh.body.refresh_token },
      });
      expect(again.status).toBeGreaterThanOrEqual(400);
      expect(again.status).toBeLessThan(500);
    }

    revoked = { token, sessionId: login.body.session_id! };
  }, 90_000);

  it("G5: revocations live in Postgres: an instance started after the revocation refuses the token too", async () => {
    expect(revoked).toBeDefined();
    const { token, sessionId } = revoked!;
    const [row] = await sigil.database.dataSource.query(`SELECT revoked_at FROM sessions WHERE id = $1`, [
      sessionId,
    ]);
    expect(row.revoked_at).not.toBeNull();
    const late = await startInstance();
    try {
      const me = await call(late.url, "GET", "/v1/me", { token });
      expect({ status: me.status, error: me.body.error }).toEqual({ status: 401, error: "invalid_token" });
    } finally {
      await late.stop();
    }
  }, 90_000);
});
