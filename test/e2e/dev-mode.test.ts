import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../fixtures/free-port.js";

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

describe("npm start (sigil dev)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "sigil-dev-"));
  let env: Record<string, string>;

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
  });

  afterAll(() => {
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
  });

  it("starts a chain, deploys and seeds, serves readiness, and resets dev data for a new chain", async () => {
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
      expect(body.details.database).toMatchObject({ status: "up", kind: "pglite" });
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
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(await chainAnswers(Number(env.SIGIL_DEV_CHAIN_PORT))).toBe(false);

    // The chain it started was in memory: a second start has a new chain, so the dev data is reset.
    const second = await startDev(env);
    try {
      expect(second.output()).toContain("started here (new, in memory)");
      expect(second.output()).toContain("reset: the chain is new");
    } finally {
      expect(await second.stop()).toBe(0);
    }
    // Two cold starts of embedded Postgres and a chain: generous on a loaded 2-core machine.
  }, 240_000);
});
