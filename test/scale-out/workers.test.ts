import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { freePort } from "../fixtures/free-port.js";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// Worker processes share one database only on a real server (PGlite is embedded in one process).
const withServer = process.env.TEST_DATABASE_URL ? describe : describe.skip;

/** SIGIL_WORKERS: one port served by several processes (both cores), a dead one replaced. */
withServer("auth-api workers (needs TEST_DATABASE_URL)", () => {
  let sigil: SigilTestEnvironment;
  let primary: ChildProcess;
  let url: string;
  let output = "";
  const workerPids = () => [...output.matchAll(/worker (\d+) started/g)].map((match) => Number(match[1]));

  beforeAll(async () => {
    sigil = await startSigil();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    primary = spawn(process.execPath, [path.join(root, "dist/apps/auth-api/src/main.js")], {
      cwd: root,
      env: {
        ...sigil.env,
        PATH: process.env.PATH ?? "",
        HOST: "127.0.0.1",
        PORT: String(port),
        DATABASE_URL: (sigil.database.dataSource.options as { url: string }).url,
        SIGIL_WORKERS: "2",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    primary.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    primary.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(async () => (await fetch(`${url}/health/live`).catch(() => undefined))?.ok === true, {
      timeoutMs: 30_000,
      everyMs: 100,
    });
  });

  afterAll(async () => {
    if (primary?.exitCode === null) {
      const exited = new Promise((resolve) => primary.once("exit", resolve));
      primary.kill("SIGTERM");
      await exited;
    }
    await sigil?.close();
  });

  // A new connection per request: a kept-alive socket to the killed worker would fail on its own,
  // which is the client's connection dying, not the service refusing. Likewise a connection
  // node:cluster hands to a worker as it dies is lost with it: like any client, retry a request
  // whose connection gave no answer (a service that hangs still fails every try).
  const retried: string[] = [];
  const post = async (path: string, body: unknown) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await request(`${url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          reset: true,
          headersTimeout: 5_000,
        });
      } catch (error) {
        if (attempt === 3) throw error;
        retried.push(`${path}: ${(error as Error).message}`);
      }
    }
  };

  async function signIn(): Promise<number> {
    const account = devAccount(DevAccountIndex.trader);
    const challenge = await post("/v1/auth/challenge", { address: account.address, chainId: 31337 });
    const { message } = (await challenge.body.json()) as { message: string };
    const login = await post("/v1/auth/login", {
      message,
      signature: await account.signMessage({ message }),
    });
    await login.body.dump();
    return login.statusCode;
  }

  it("two workers serve one port; a worker killed with SIGKILL is replaced and sign-ins keep succeeding", async () => {
    await waitFor(() => workerPids().length === 2, { timeoutMs: 10_000 });
    const [first, second] = workerPids() as [number, number];
    expect(first).not.toBe(second);
    for (let i = 0; i < 6; i += 1) expect(await signIn()).toBe(200);

    process.kill(first, "SIGKILL");
    // Until the primary has seen the death, node:cluster's round robin may still hand a new
    // connection to the dead worker, and that connection is lost with it (the client times out
    // and retries): the service's promise starts once the primary knows.
    await waitFor(() => new RegExp(`worker ${first} exited \\(SIGKILL\\)`).test(output), {
      timeoutMs: 10_000,
    });
    // The survivor keeps answering while the primary starts a replacement.
    for (let i = 0; i < 4; i += 1) expect(await signIn()).toBe(200);
    await waitFor(() => workerPids().length === 3, { timeoutMs: 10_000 });
    expect(workerPids()[2]).not.toBe(first);
    for (let i = 0; i < 4; i += 1) expect(await signIn()).toBe(200);
    if (retried.length > 0) console.log(`retried after a lost connection: ${retried.join("; ")}`);
  });
});
