// `sigil dev` (what `npm start` runs) on free ports, as a child process group a test can always stop.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { freePort } from "../../fixtures/free-port.js";

const root = path.resolve(import.meta.dirname, "..", "..", "..");

/** A running dev mode: its URLs, its output so far, and how to stop it. */
export interface DevMode {
  apiUrl: string;
  venueUrl: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts dev mode from dist/ (build first) with its data under `dataDir`, embedded Postgres. */
export async function startDevMode(dataDir: string): Promise<DevMode> {
  const [port, chainPort, venuePort] = [await freePort(), await freePort(), await freePort()];
  const env: Record<string, string | undefined> = {
    ...process.env,
    SIGIL_DATA_DIR: dataDir,
    PORT: String(port),
    SIGIL_DEV_CHAIN_PORT: String(chainPort),
    SIGIL_DEV_VENUE_PORT: String(venuePort),
  };
  delete env.DATABASE_URL; // embedded PGlite, as on a laptop
  const child: ChildProcess = spawn(process.execPath, [path.join(root, "dist/apps/cli/src/main.js"), "dev"], {
    env,
    stdio: "pipe",
    detached: true, // its own group: stop() also ends the chain and services it started
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // the group already exited
    }
  };
  const deadline = Date.now() + 120_000;
  while (!output.includes("Ctrl-C stops")) {
    if (child.exitCode !== null) throw new Error(`sigil dev exited ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`sigil dev did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    venueUrl: `http://127.0.0.1:${venuePort}`,
    output: () => output,
    stop,
  };
}
