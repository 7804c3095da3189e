import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./repo-root.js";

export interface StartServiceParameters {
  /** Name for messages ("auth-api"). */
  name: string;
  /** Entry point under dist/, e.g. `apps/auth-api/src/main.js`. */
  main: string;
  env: Record<string, string | undefined>;
  /** Base URL the service will answer on. */
  url: string;
  /** Path that answers 200 once the service is ready. */
  readyPath: string;
  timeoutMs?: number;
}

export interface RunningService {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a built service (dist/) as a child process and waits until its ready path answers 200. */
export async function startService(p: StartServiceParameters): Promise<RunningService> {
  const main = path.join(repoRoot(), "dist", p.main);
  const child = spawn(process.execPath, ["--enable-source-maps", main], { env: p.env, stdio: "inherit" });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  const deadline = Date.now() + (p.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${p.name} exited with code ${child.exitCode} during start-up`);
    if (await answers(`${p.url}${p.readyPath}`)) return { process: child, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${p.name} was not ready on ${p.url} within ${p.timeoutMs ?? 60_000} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch (error) {
    // Only "nothing listens yet" means wait; anything else is a bug to surface.
    if (error instanceof TypeError && error.message === "fetch failed") return false;
    throw error;
  }
}
