// The built CLI as an operator runs it: a process with only the environment it is given.
import { execFile } from "node:child_process";
import path from "node:path";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `node [--env-file=F] dist/apps/cli/src/main.js …args` with `env` (and PATH), as docs/deployment.md
 * runs it; never throws on a non-zero exit.
 */
export function runCli(args: string[], env: Record<string, string>, envFile?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        ...(envFile ? [`--env-file=${envFile}`] : []),
        path.join(process.cwd(), "dist/apps/cli/src/main.js"),
        ...args,
      ],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
