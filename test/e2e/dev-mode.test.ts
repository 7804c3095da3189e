import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDataSource, type TestDataSource } from "../fixtures/database.js";
import { freePort } from "../fixtures/free-port.js";
import { waitFor } from "../guard/support/wait.js";

const root = path.resolve(import.meta.dirname, "..", "..");
const cli = path.join(root, "dist", "apps", "cli", "src", "main.js");

interface DevRun {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

const children: ChildProcess[] = [];

async function startDev(env: Record<string, string>): Promise<DevRun> {
  // Its own process group, so a failed test can kill the chain and service it started too.
  const child = spawn(process.execPath, [cli, "dev"], {
    env: { ...process.env, ...env },
    stdio: "pipe",
    detached: true,
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (!output.includes("Ctrl-C stops")) {
    if (child.exitCode !== null) throw new Error(`sigil dev exited ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`sigil dev did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const stop = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once("exit", (code) => resolve(code));
      child.kill("SIGINT");
    });
  return { child, output: () => output, stop };
}

async function chainAnswers(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** Signs in dev account `index` at the dev auth-api as a wallet frontend does; returns its access token and scope. */
async function signInDev(api: string, index: number): Promise<{ token: string; scope: string }> {
  const account = devAccount(index);
  const post = async (route: string, body: unknown) => {
    const response = await fetch(`${api}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, string>;
  };
  const { message } = await post("/v1/auth/challenge", { address: account.address, chainId: 31337 });
  const signature = await account.signMessage({ message: message! });
  const login = await post("/v1/auth/login", { message, signature });
  return { token: login.access_token!, scope: login.scope! };
}

describe("npm start (sigil dev)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "sigil-dev-"));
  let env: Record<string, string>;
  let database: TestDataSource | undefined;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(root, "scripts", "build.mjs")], { stdio: "ignore" });
    env = {
      SIGIL_DATA_DIR: dataDir,
      PORT: String(await freePort()),
      SIGIL_DEV_CHAIN_PORT: String(await freePort()),
      SIGIL_DEV_VENUE_PORT: String(await freePort()),
      DATABASE_URL: "",
    };
    delete process.env.DATABASE_URL;
    // With TEST_DATABASE_URL, dev mode runs on a fresh database of that server instead of PGlite.
    if (process.env.TEST_DATABASE_URL) {
      database = await createTestDataSource({ migrate: false });
      env.DATABASE_URL = (database.dataSource.options as { url: string }).url;
      await database.dataSource.destroy();
    }
  });

  afterAll(async () => {
    // A failed assertion must not leave a chain or a service running behind the test run.
    for (const child of children) {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // the group already exited
        }
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
    await database?.destroy();
  });

  /**
   * The dev policy grants from three kinds of source, and each dev fact command takes one away from a
   * live session: `/v1/me` and the venue narrow without a new sign-in.
   */
  async function policyFactsNarrowLiveSessions(output: string): Promise<void> {
    const api = `http://127.0.0.1:${env.PORT}`;
    const venue = `http://127.0.0.1:${env.SIGIL_DEV_VENUE_PORT}`;
    expect(existsSync(path.join(dataDir, "dev-policy.json"))).toBe(true);
    expect(output).toMatch(
      /facts held: registry, pass, kyc; orders:read ← registry, orders:write ← registry\+kyc, positions:read ← pass/,
    );
    expect(output).toMatch(/facts held: registry, pass; positions:read ← pass/);
    expect(output).toMatch(/3 noRole .*\n\s+facts held: kyc\n/);

    const trader = await signInDev(api, DevAccountIndex.trader);
    expect(trader.scope).toBe("orders:read orders:write positions:read");
    expect((await signInDev(api, DevAccountIndex.viewer)).scope).toBe("positions:read");
    // KYC without a registry role grants nothing: orders:write needs both.
    expect((await signInDev(api, DevAccountIndex.noRole)).scope).toBe("");

    const auth = { authorization: `Bearer ${trader.token}` };
    const scopeNow = async () => {
      const me = await fetch(`${api}/v1/me`, { headers: auth });
      expect(me.status).toBe(200);
      return ((await me.json()) as { scope: string[] }).scope.join(" ");
    };
    const order = () =>
      fetch(`${venue}/orders`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ market: "BTC-USD", side: "buy", size: "0.1" }),
      });
    expect((await order()).status).toBe(201);
    const sigil = (...args: string[]) =>
      execFileSync(
        process.execPath,
        [cli, ...args, "--rpc", `http://127.0.0.1:${env.SIGIL_DEV_CHAIN_PORT}`],
        // stderr piped: a failing command's message lands in the thrown error, not the test log.
        { env: { ...process.env, ...env }, stdio: "pipe" },
      ).toString();

    expect(JSON.parse(sigil("dev", "revoke-kyc", "1"))).toMatchObject({
      revokedKyc: devAccount(DevAccountIndex.trader).address,
    });
    await waitFor(async () => (await scopeNow()) === "orders:read positions:read", {
      timeoutMs: 5_000,
      everyMs: 50,
    });
    await waitFor(async () => (await order()).status === 403, { timeoutMs: 5_000, everyMs: 50 });
    expect((await fetch(`${venue}/positions`, { headers: auth })).status).toBe(200);

    expect(JSON.parse(sigil("dev", "transfer-pass", "1", "3"))).toMatchObject({
      to: devAccount(DevAccountIndex.noRole).address,
    });
    await waitFor(async () => (await scopeNow()) === "orders:read", { timeoutMs: 5_000, everyMs: 50 });
    await waitFor(async () => (await fetch(`${venue}/positions`, { headers: auth })).status === 403, {
      timeoutMs: 5_000,
      everyMs: 50,
    });
    expect((await fetch(`${venue}/orders`, { headers: auth })).status).toBe(200);
    // The pass went to account 3 and positions:read with it.
    expect((await signInDev(api, DevAccountIndex.noRole)).scope).toBe("positions:read");

    // A fact already lost: the command says so and exits 1.
    expect(() => sigil("dev", "revoke-kyc", "1")).toThrow(/holds no valid dev KYC attestation/);

    // The last scope rests on the registry role: revoking the role ends the session.
    sigil("roles", "revoke", "TRADER", devAccount(DevAccountIndex.trader).address);
    await waitFor(async () => (await fetch(`${api}/v1/me`, { headers: auth })).status === 401, {
      timeoutMs: 5_000,
      everyMs: 50,
    });
    await waitFor(async () => (await fetch(`${venue}/orders`, { headers: auth })).status === 401, {
      timeoutMs: 5_000,
      everyMs: 50,
    });
  }

  it("starts a chain, deploys and seeds, serves the dev policy, narrows on lost facts, and resets dev data for a new chain", async () => {
    const first = await startDev(env);
    try {
      expect(first.output()).toContain("contracts  deployed and seeded now");
      expect(first.output()).toContain("(new)");
      expect(first.output()).toMatch(
        /1 trader\s+0x70997970C51812dc3A010C7d01b50e0d17dc79C8\s+TRADER\s+\[orders:read orders:write positions:read\] at block \d+/,
      );
      expect(first.output()).toMatch(
        /3 noRole\s+0x90F79bf6EB2c4f870365E785982E1f101E93b906\s+no role\s+\[\] at block \d+/,
      );

      const ready = await fetch(`http://127.0.0.1:${env.PORT}/health/ready`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { details: Record<string, { status: string; kind?: string }> };
      expect(body.details.database).toMatchObject({
        status: "up",
        kind: database ? "postgres" : "pglite",
      });
      expect(body.details["chain:31337"]).toMatchObject({ status: "up" });

      const roles = JSON.parse(
        execFileSync(
          process.execPath,
          [
            cli,
            "roles",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "--rpc",
            `http://127.0.0.1:${env.SIGIL_DEV_CHAIN_PORT}`,
          ],
          {
            env: { ...process.env, ...env },
          },
        ).toString(),
      );
      expect(roles.roles.map((r: { name: string }) => r.name)).toEqual(["TRADER"]);
      expect(roles.block.number).toMatch(/^\d+$/);

      // The example venue trusts the dev service: public health answers, a guarded route wants a token.
      const venue = `http://127.0.0.1:${env.SIGIL_DEV_VENUE_PORT}`;
      expect((await fetch(`${venue}/health`)).status).toBe(200);
      expect((await fetch(`${venue}/positions`)).status).toBe(401);

      await policyFactsNarrowLiveSessions(first.output());
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(await chainAnswers(Number(env.SIGIL_DEV_CHAIN_PORT))).toBe(false);

    // The chain it started was in memory: a second start has a new chain, so the dev data is reset.
    const second = await startDev(env);
    try {
      expect(second.output()).toContain("started here (new, in memory)");
      expect(second.output()).toContain("reset: the chain is new");
      // The new chain got the policy demo again: the trader's scopes are whole once more.
      expect(second.output()).toMatch(
        /1 trader\s+\S+\s+TRADER\s+\[orders:read orders:write positions:read\]/,
      );
    } finally {
      expect(await second.stop()).toBe(0);
    }
    // Two cold starts of embedded Postgres and a chain: generous on a loaded 2-core machine.
  }, 300_000);
});
