// The @sigil/verify adapters' cost: the same small route open and guarded on Express and on Fastify,
// each server in its own process, rounds alternated as for the Nest guard (guard-load.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "../../test/fixtures/free-port.js";
import { root, tracked, VENUE_CLIENT, waitFor } from "./bench-environment.js";
import { type GuardLoadResult, runGuardLoad } from "./guard-load.js";

export type BenchAdapter = "express" | "fastify";

export type AdapterLoadResult = Record<BenchAdapter, GuardLoadResult>;

/** An adapter's bench server trusting the auth-api at `apiUrl`; stop() ends its process. */
export async function startAdapterServer(p: {
  adapter: BenchAdapter;
  apiUrl: string;
}): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "@swc-node/register/esm-register", "scripts/bench/adapter-server.ts"],
    {
      cwd: root,
      env: {
        ...process.env,
        BENCH_ADAPTER: p.adapter,
        PORT: String(port),
        SIGIL_ISSUER: p.apiUrl,
        VENUE_CLIENT_ID: VENUE_CLIENT.id,
        VENUE_CLIENT_SECRET: VENUE_CLIENT.secret,
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const stop = tracked(child);
  await waitFor(`the ${p.adapter} adapter server`, async () => (await fetch(`${url}/bench/open`)).ok);
  return { url, stop };
}

/** Open vs guarded req/s for each adapter, one server at a time, `rounds` alternated rounds each. */
export async function runAdapterLoad(p: {
  apiUrl: string;
  token: string;
  rounds: number;
  seconds: number;
  onProgress?: (line: string) => void;
}): Promise<AdapterLoadResult> {
  const result: Partial<AdapterLoadResult> = {};
  for (const adapter of ["express", "fastify"] as const) {
    p.onProgress?.(`${adapter} (@sigil/verify/${adapter}):`);
    const server = await startAdapterServer({ adapter, apiUrl: p.apiUrl });
    try {
      result[adapter] = await runGuardLoad({
        venueUrl: server.url,
        token: p.token,
        rounds: p.rounds,
        seconds: p.seconds,
        ...(p.onProgress ? { onProgress: p.onProgress } : {}),
      });
    } finally {
      await server.stop();
    }
  }
  return result as AdapterLoadResult;
}
