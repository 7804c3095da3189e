import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./repo-root.js";

export interface StartAuthApiParameters {
  env: Record<string, string | undefined>;
  url: string;
  timeoutMs?: number;
}

export interface RunningAuthApi {
  process: ChildProcess;
  /** The readiness report once the service answered 200 on /health/ready. */
  readiness: unknown;
  stop(): Promise<void>;
}

/** Starts the built auth-api (dist/) as a child process and waits until it reports ready. */
export async function startAuthApi({
  env,
  url,
  timeoutMs = 60_000,
}: StartAuthApiParameters): Promise<RunningAuthApi> {
  const main = path.join(repoRoot(), "dist", "apps", "auth-api", "src", "main.js");
  const child = spawn(process.execPath, ["--enable-source-maps", main], { env, stdio: "inherit" });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`auth-api exited with code ${child.exitCode} during start-up`);
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) return { process: child, readiness: await response.json(), stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`auth-api was not ready on ${url} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
