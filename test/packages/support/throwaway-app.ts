// Throw-away apps for the package consumer test: each is copied out of the repository into its own
// temporary folder, installs the packed tarballs with npm, and runs with its own node_modules only.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
const APPS = path.join(REPO_ROOT, "test", "packages", "apps");

/** Builds the packages and packs each into `into`; returns the tarball path per package name. */
export async function packPackages(into: string): Promise<Record<string, string>> {
  await run(
    process.execPath,
    ["--import", "@swc-node/register/esm-register", "scripts/packages/build-packages.ts"],
    {
      cwd: REPO_ROOT,
    },
  );
  const tarballs: Record<string, string> = {};
  for (const workspace of ["libs/verify", "libs/guard", "libs/client"]) {
    const { stdout } = await run(
      "npm",
      ["pack", "--json", "--workspace", workspace, "--pack-destination", into],
      {
        cwd: REPO_ROOT,
      },
    );
    const [packed] = JSON.parse(stdout) as { name: string; filename: string }[];
    tarballs[packed!.name] = path.join(into, packed!.filename);
  }
  return tarballs;
}

/** One installed app: its folder outside the repository. */
export interface ThrowawayApp {
  dir: string;
  remove(): void;
}

/**
 * Copies `test/packages/apps/<name>` to a new temporary folder, writes its package.json with
 * `dependencies` (tarball paths for Sigil's packages) and runs `npm install` there (the npm cache
 * first: CI machines reach only the registry, and the repository's own install filled the cache).
 */
export async function installApp(
  name: string,
  dependencies: Record<string, string>,
  devDependencies: Record<string, string> = {},
): Promise<ThrowawayApp> {
  const dir = mkdtempSync(path.join(tmpdir(), `sigil-consumer-${name}-`));
  for (const file of readdirSync(path.join(APPS, name)))
    cpSync(path.join(APPS, name, file), path.join(dir, file));
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify(
      { name: `consumer-${name}`, private: true, type: "module", dependencies, devDependencies },
      null,
      2,
    ),
  );
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
    timeout: 180_000,
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A running app process that speaks one JSON object per stdout line. */
export interface AppProcess {
  /** The next JSON line the app prints (rejects if it exits first or takes over 60 s). */
  next<T>(): Promise<T>;
  /** Writes a line to the app's stdin. */
  send(line: string): void;
  stop(): Promise<void>;
}

/** Starts `script` of an app with only `env` (and PATH) in its environment. */
export function spawnApp(app: ThrowawayApp, script: string, env: Record<string, string>): AppProcess {
  const child: ChildProcess = spawn(process.execPath, [script], {
    cwd: app.dir,
    env: { PATH: process.env.PATH, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  let buffered = "";
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    lines.push(...parts.filter((line) => line.startsWith("{")));
    wake?.();
  });
  child.on("exit", () => wake?.());
  return {
    async next<T>() {
      const deadline = Date.now() + 60_000;
      while (lines.length === 0) {
        if (child.exitCode !== null) throw new Error(`${script} exited (${child.exitCode}): ${stderr}`);
        if (Date.now() > deadline) throw new Error(`${script} printed nothing in 60 s: ${stderr}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 1_000);
        });
      }
      return JSON.parse(lines.shift()!) as T;
    },
    send: (line) => child.stdin!.write(`${line}\n`),
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

/** A server an app started: its URL and how to stop it. */
export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts `script` of an app, which prints `{"port": n}` once it listens on 127.0.0.1. */
export async function startServer(
  app: ThrowawayApp,
  script: string,
  env: Record<string, string>,
): Promise<RunningServer> {
  const process = spawnApp(app, script, env);
  const { port } = await process.next<{ port: number }>();
  return { url: `http://127.0.0.1:${port}`, stop: () => process.stop() };
}
