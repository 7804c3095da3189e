// nginx from Debian, run from docs/deployment/nginx.conf filled as `envsubst` would fill it.
import { type ChildProcess, spawn } from "node:child_process";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import path from "node:path";
import { waitFor } from "../../guard/support/wait.js";
import { DEPLOYMENT_DIR } from "./env-template.js";

export const NGINX_PATH = "/usr/sbin/nginx";

export interface Nginx {
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Fills every `${NAME}` of the template from `values` (an error if one is left or unused), then
 * starts nginx in the foreground and waits until each of `ports` accepts connections.
 */
export async function startNginx(params: {
  runDir: string;
  values: Record<string, string>;
  ports: number[];
}): Promise<Nginx> {
  const { runDir, values, ports } = params;
  const template = await readFile(path.join(DEPLOYMENT_DIR, "nginx.conf"), "utf8");
  const unused = Object.keys(values).filter((name) => !template.includes(`\${${name}}`));
  if (unused.length > 0) throw new Error(`nginx.conf has no \${${unused.join("}, ${")}}`);
  const config = template.replace(/\$\{([A-Z0-9_]+)\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`nginx.conf: no value for ${placeholder}`);
    return value;
  });
  // Workers (www-data when started as root) reach their temp folders under the run folder.
  await chmod(runDir, 0o755);
  const configFile = path.join(runDir, "nginx.conf");
  await writeFile(configFile, config);
  const child: ChildProcess = spawn(
    NGINX_PATH,
    ["-p", runDir, "-c", configFile, "-e", "stderr", "-g", "daemon off;"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
  const accepts = (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => resolve(true)).once("error", () => resolve(false));
      socket.once("close", () => socket.destroy());
      setTimeout(() => socket.end(), 50);
    });
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${stderr}`);
      return (await Promise.all(ports.map(accepts))).every(Boolean);
    },
    { timeoutMs: 15_000, everyMs: 100 },
  );
  return {
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
