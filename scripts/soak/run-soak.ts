// `npm run soak`: the auth-api (built, its own process, real PostgreSQL, a local chain) under
// moderate steady load for SOAK_SECONDS (default 600). Passes when memory is stable and no request
// fails; prints the growth numbers either way. Exit code 1 on a breach.
import { execFileSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { createDatabase, root, startAuthApi, startChain, stopAll } from "../bench/bench-environment.js";
import { makeWallets, personalSign, type Wallet } from "../bench/login-load.js";

// One auth-api process: its memory is read from its own /metrics, which several workers would share.
process.env.BENCH_WORKERS ??= "1";
const seconds = Number(process.env.SOAK_SECONDS ?? 600);
const workers = Number(process.env.SOAK_CONCURRENCY ?? 4);
const pauseMs = Number(process.env.SOAK_PAUSE_MS ?? 50);
/** Allowed growth of the post-GC heap floor between the first and last third of the run. */
const maxHeapGrowthBytes = Number(process.env.SOAK_MAX_HEAP_GROWTH_MB ?? 24) * 2 ** 20;
const sampleEveryMs = 5_000;
const log = (line: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

interface Sample {
  at: number;
  heapUsed: number;
  rss: number;
  requests: number;
  failures: number;
}

/** Reads the auth-api's own heap and RSS from its Prometheus metrics. */
async function memoryOf(url: string): Promise<{ heapUsed: number; rss: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1] ?? NaN);
  return {
    heapUsed: value("sigil_process_nodejs_heap_size_used_bytes"),
    rss: value("sigil_process_process_resident_memory_bytes"),
  };
}

/** One user's session lifecycle: sign in, refresh, use the token, log out. */
async function session(url: string, wallet: Wallet, count: (ok: boolean, what: string) => void) {
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    count(response.ok, `${method} ${path} ${response.status} ${text.slice(0, 80)}`);
    if (!response.ok) throw new Error(`${path} ${response.status}`);
    return (text ? JSON.parse(text) : {}) as Record<string, string>;
  };
  const challenge = await call("POST", "/v1/auth/challenge", { address: wallet.address, chainId: 31337 });
  const message = challenge.message!;
  const login = await call("POST", "/v1/auth/login", { message, signature: personalSign(wallet, message) });
  const refreshed = await call("POST", "/v1/auth/refresh", { refresh_token: login.refresh_token });
  for (let i = 0; i < 3; i += 1) await call("GET", "/v1/me", undefined, refreshed.access_token);
  await call("POST", "/v1/auth/logout", undefined, refreshed.access_token);
}

async function main(): Promise<void> {
  log("building dist/, starting a Hardhat node and the auth-api against PostgreSQL …");
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "ignore" });
  const chain = await startChain();
  const database = await createDatabase();
  let breached: boolean;
  try {
    const api = await startAuthApi({ chain, databaseUrl: database.url });
    const wallets = makeWallets(50);
    let requests = 0;
    let failures = 0;
    const failureKinds: Record<string, number> = {};
    const count = (ok: boolean, what: string) => {
      requests += 1;
      if (ok) return;
      failures += 1;
      failureKinds[what] = (failureKinds[what] ?? 0) + 1;
    };
    const until = Date.now() + seconds * 1000;
    let next = 0;
    const worker = async () => {
      while (Date.now() < until) {
        await session(api.url, wallets[next++ % wallets.length]!, count).catch(() => {});
        await sleep(pauseMs);
      }
    };
    log(
      `${workers} clients, ${pauseMs} ms pause, for ${seconds} s; sampling memory every ${sampleEveryMs / 1000} s`,
    );
    const load = Promise.all(Array.from({ length: workers }, worker));
    const samples: Sample[] = [];
    while (Date.now() < until) {
      await sleep(Math.min(sampleEveryMs, Math.max(0, until - Date.now())));
      samples.push({ at: Date.now(), ...(await memoryOf(api.url)), requests, failures });
      const last = samples.at(-1)!;
      log(`  ${requests} requests, ${failures} failed; heap ${mib(last.heapUsed)}, rss ${mib(last.rss)}`);
    }
    await load;

    const third = Math.max(1, Math.floor(samples.length / 3));
    const floor = (part: Sample[], key: "heapUsed" | "rss") => Math.min(...part.map((s) => s[key]));
    const [early, late] = [samples.slice(0, third), samples.slice(-third)];
    const heapGrowth = floor(late, "heapUsed") - floor(early, "heapUsed");
    const rssGrowth = floor(late, "rss") - floor(early, "rss");
    const errorRate = requests === 0 ? 1 : failures / requests;
    log(
      `heap floor growth ${mib(heapGrowth)} (limit ${mib(maxHeapGrowthBytes)}), rss floor growth ${mib(rssGrowth)}`,
    );
    log(
      `${requests} requests, ${failures} failed (${(errorRate * 100).toFixed(3)} %), ${(requests / seconds).toFixed(0)} req/s`,
    );
    if (failures > 0) log(`failures: ${JSON.stringify(failureKinds)}`);
    breached = failures > 0 || requests === 0 || heapGrowth > maxHeapGrowthBytes;
    log(breached ? "FAIL: errors under load or the heap kept growing" : "PASS: memory stable, no errors");
  } finally {
    stopAll();
    await database.drop();
  }
  process.exit(breached ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  stopAll();
  process.exit(1);
});
