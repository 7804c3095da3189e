// A PostgreSQL 15 server private to one test, so it can be killed and restarted without touching
// the machine's shared server that other suites (and engineers) use.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../fixtures/free-port.js";

const BIN = "/usr/lib/postgresql/15/bin";
const run = promisify(execFile);

/** Whether initdb and pg_ctl are installed (tests that restart Postgres skip without them). */
export const postgresBinariesInstalled = existsSync(`${BIN}/initdb`) && existsSync(`${BIN}/pg_ctl`);

/** A private server: `url` points at its `postgres` database with trust auth. */
export interface OwnPostgres {
  url: string;
  /** `pg_ctl stop -m immediate`: the server dies without a checkpoint, as in a crash. */
  crash(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

// initdb refuses root: run the binaries as the postgres user when we are root.
const asRoot = process.getuid?.() === 0;
async function pgBinary(name: string, args: string[]): Promise<void> {
  const [file, argv] = asRoot
    ? ["runuser", ["-u", "postgres", "--", `${BIN}/${name}`, ...args]]
    : [`${BIN}/${name}`, args];
  await run(file, argv, { timeout: 60_000 });
}

/** initdb a data directory under the OS temp dir and start a server on a free loopback port. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), "sigil-pg-"));
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    await chown(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  await pgBinary("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  // fsync off: an immediate stop is a process crash, not a power cut, so the OS cache keeps the WAL.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const start = () => pgBinary("pg_ctl", ["-D", data, "-o", options, "-l", `${dir}/log`, "-w", "start"]);
  const crash = () => pgBinary("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crash,
    start,
    destroy: async () => {
      await crash().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run("id", ["-u", "postgres"]),
    run("id", ["-g", "postgres"]),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
