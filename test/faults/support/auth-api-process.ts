// The built auth-api (dist/, built by Jest's global setup) as its own process, so a test can kill -9 it.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../fixtures/free-port.js";
import { waitFor } from "../../guard/support/wait.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** One built service's process (the auth-api, or the example venue). */
export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** The last few KiB of its stderr (for failure messages). */
  stderr(): string;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

/** An auth-api process (what the fault and scale-out suites start). */
export type AuthApiProcess = ServiceProcess;

/** Starts `node dist/apps/auth-api/src/main.js` with `env` on a free port and waits for readiness. */
export async function startAuthApiProcess(env: Record<string, string>): Promise<AuthApiProcess> {
  return startServiceProcess({ script: "dist/apps/auth-api/src/main.js", env, readyPath: "/health/ready" });
}

/** A built service (`script` under the repository) started with `env`, HOST and a free PORT. */
export interface ServiceProcessParameters {
  script: string;
  env: Record<string, string>;
  /** Answers 200 once the service is ready. */
  readyPath: string;
  /** Defaults to a free port. */
  port?: number;
  /** Node options before the script, e.g. `--env-file=…`. */
  nodeArgs?: string[];
}

/** Starts a built service on a free port of 127.0.0.1 and waits until `readyPath` answers 200. */
export async function startServiceProcess({
  script,
  env,
  readyPath,
  port: chosenPort,
  nodeArgs = [],
}: ServiceProcessParameters): Promise<ServiceProcess> {
  const port = chosenPort ?? (await freePort());
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, script)], {
    cwd: root,
    env: { ...env, PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
  const url = `http://127.0.0.1:${port}`;
  const ready = async () => {
    if (child.exitCode !== null) throw new Error(`${script} exited ${child.exitCode}: ${stderr}`);
    return (await fetch(`${url}${readyPath}`).catch(() => undefined))?.status === 200;
  };
  await waitFor(ready, { timeoutMs: 30_000, everyMs: 100 });
  return {
    url,
    child,
    stderr: () => stderr,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
}
