import { devAccount, DevAccountIndex } from "@sigil/chain";
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
  // which is the client's connection dying, not the service refusing.
  const post = (path: string, body: unknown) =>
    request(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      reset: true,
    });

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
    // The survivor keeps answering while the primary starts a replacement.
    for (let i = 0; i < 4; i += 1) expect(await signIn()).toBe(200);
    await waitFor(() => workerPids().length === 3, { timeoutMs: 10_000 });
    expect(workerPids()[2]).not.toBe(first);
    expect(output).toMatch(new RegExp(`worker ${first} exited \\(SIGKILL\\)`));
    for (let i = 0; i < 4; i += 1) expect(await signIn()).toBe(200);
  });
});
