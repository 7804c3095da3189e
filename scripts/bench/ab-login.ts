// `npm run bench:ab`: one load alternated between two or more builds of the auth-api, in one run,
// so that a change is judged against its base on the same noisy machine at the same time.
//
//   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
//   (cd /tmp/base && node scripts/build.mjs) && node scripts/build.mjs
//   AB_BUILDS=/tmp/base,. AB_ROUNDS=6 npm run bench:ab
//
// AB_BUILDS: checkouts with a built dist/, each optionally "dir:<node options>"; AB_ROUNDS (6),
// AB_SECONDS (5) and AB_CONCURRENCY (32) per measurement. AB_LOAD picks the load: `login` (default;
// SIWE sign-ins from 201 wallets), `refresh` (refresh-token rotations), `me` (GET /v1/me, Bearer) or
// `introspect` (POST /oauth/introspect, HTTP Basic); for the last three each build's auth-api first
// gets AB_CONCURRENCY signed-in sessions of its own, whose tokens every round then uses. Every
// build runs one auth-api process (SIGIL_WORKERS=1) on its own fresh database, against one Hardhat
// node. AB_PIN=1 (Linux, taskset) runs the auth-apis on the last core and every other process on
// the rest, so that an auth-api's CPU per unit of work is not inflated by sharing its core with
// Postgres and the load generator. AB_TOGETHER=1 loads every build at once (AB_CONCURRENCY clients
// each) instead of in turn: each auth-api's CPU per unit is then measured under the very same
// machine state, which cancels the drift that adjacent rounds still show; Postgres and
// load-generator figures are shared.
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type BenchApi,
  createDatabase,
  type BenchDatabase,
  startAuthApi,
  startChain,
  runBenchMain,
  stopAll,
} from "./bench-environment.js";
import { median } from "./closed-loop.js";
import { cpuMsByProcess } from "./cpu-by-process.js";
import { type LoadResult, makeWallets, runLoginLoad, signInSessions, type Wallet } from "./login-load.js";
import { runRefreshLoad } from "./refresh-load.js";
import { runTokenCheckLoad } from "./token-check-load.js";

const rounds = Number(process.env.AB_ROUNDS ?? 6);
const seconds = Number(process.env.AB_SECONDS ?? 5);
const concurrency = Number(process.env.AB_CONCURRENCY ?? 32);
const pinned = process.env.AB_PIN === "1";
const together = process.env.AB_TOGETHER === "1";
const LOADS = {
  login: { name: "sign-ins", rate: "sign-ins/s", unit: "sign-in" },
  refresh: { name: "refresh-token rotations", rate: "refreshes/s", unit: "refresh" },
  me: { name: "GET /v1/me", rate: "req/s", unit: "request" },
  introspect: { name: "POST /oauth/introspect", rate: "req/s", unit: "request" },
} as const;
type AbLoad = keyof typeof LOADS;
const loadKind = (process.env.AB_LOAD ?? "login") as AbLoad;
const LOAD = LOADS[loadKind] ?? LOADS.login;
const log = (line: string) => console.log(`[ab ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface Build {
  label: string;
  checkout: string;
  nodeOptions: string[];
}

interface Sample {
  perSecond: number;
  p99Ms: number;
  errors: number;
  /** CPU ms per unit of work: this build's auth-api, every Postgres process, this load generator. */
  apiMs: number;
  postgresMs: number;
  generatorMs: number;
}

/** `dir[:node options]` → a build, checked to have a built auth-api. */
function parseBuilds(spec: string): Build[] {
  return spec
    .split(",")
    .filter(Boolean)
    .map((entry, index) => {
      const colon = entry.indexOf(":");
      const checkout = path.resolve(colon < 0 ? entry : entry.slice(0, colon));
      if (!existsSync(path.join(checkout, "dist/apps/auth-api/src/main.js"))) {
        throw new Error(`${checkout}: no built auth-api (run node scripts/build.mjs there)`);
      }
      const nodeOptions =
        colon < 0
          ? []
          : entry
              .slice(colon + 1)
              .split(" ")
              .filter(Boolean);
      return { label: String.fromCharCode(65 + index), checkout, nodeOptions };
    });
}

/** One build's auth-api under AB_LOAD: `prepare` (sessions) runs outside the measured window. */
interface Target {
  api: BenchApi;
  prepare(): Promise<void>;
  run(seconds: number): Promise<LoadResult>;
}

/** Access tokens live 10 min by default (SIGIL_ACCESS_TOKEN_TTL): older sessions are replaced. */
const SESSION_RENEWAL_MS = 5 * 60_000;

function targetOf(api: BenchApi, wallets: Wallet[]): Target {
  const url = api.url;
  if (loadKind === "login") {
    return {
      api,
      prepare: async () => {},
      run: (s) => runLoginLoad({ url, wallets, concurrency, seconds: s }),
    };
  }
  if (loadKind === "refresh") {
    // Rotated in place, round after round: each client's token family goes on across the run.
    const tokens: string[] = [];
    return {
      api,
      prepare: async () => {
        if (tokens.length > 0) return;
        const sessions = await signInSessions({ url, wallets, count: concurrency });
        tokens.push(...sessions.map((session) => session.refreshToken));
      },
      run: (s) => runRefreshLoad({ url, wallets, concurrency, seconds: s, tokens }),
    };
  }
  let accessTokens: string[] = [];
  let signedInAt = -Infinity;
  return {
    api,
    prepare: async () => {
      if (performance.now() - signedInAt < SESSION_RENEWAL_MS) return;
      const sessions = await signInSessions({ url, wallets, count: concurrency });
      accessTokens = sessions.map((session) => session.accessToken);
      signedInAt = performance.now();
    },
    run: (s) =>
      runTokenCheckLoad({ url, check: loadKind, accessTokens, connections: concurrency, seconds: s }),
  };
}

/**
 * AB_LOAD on `targets` at the same time (one build in turn, or every build with AB_TOGETHER);
 * Postgres and load-generator CPU are shared out per unit of work.
 */
async function measure(targets: Target[]): Promise<Sample[]> {
  for (const target of targets) await target.prepare();
  const generator = process.cpuUsage();
  const before = cpuMsByProcess();
  const loads = await Promise.all(targets.map((target) => target.run(seconds)));
  const after = cpuMsByProcess();
  const used = process.cpuUsage(generator);
  const spent = (pid: number, ms: number) => ms - (before.get(pid)?.ms ?? 0);
  let postgresMs = 0;
  for (const [pid, { group, ms }] of after) if (group === "postgres") postgresMs += spent(pid, ms);
  const all = Math.max(
    1,
    loads.reduce((sum, load) => sum + load.completed, 0),
  );
  return targets.map(({ api }, index) => {
    const load = loads[index]!;
    if (Object.keys(load.errors).length > 0) log(`errors: ${JSON.stringify(load.errors)}`);
    return {
      perSecond: load.perSecond,
      p99Ms: load.p99Ms,
      errors: Object.values(load.errors).reduce((sum, n) => sum + n, 0),
      apiMs: spent(api.pid, after.get(api.pid)?.ms ?? 0) / Math.max(1, load.completed),
      postgresMs: postgresMs / all,
      generatorMs: (used.user + used.system) / 1000 / all,
    };
  });
}

/** Sets the CPU affinity of every thread of `pid`; false when the process is gone or refuses. */
function setAffinity(pid: number, cpus: string): boolean {
  try {
    execFileSync("taskset", ["-apc", cpus, String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * The auth-apis on the last core, every other process on the others. Returns the undo, which gives
 * every process all cores again, those started meanwhile (inheriting a pinned parent's) included.
 */
function pinAuthApis(apiPids: number[]): () => void {
  const cores = os.availableParallelism();
  const pids = () =>
    readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  const others = cores > 2 ? `0-${cores - 2}` : "0";
  for (const pid of pids()) if (!apiPids.includes(pid)) setAffinity(pid, others);
  for (const pid of apiPids) setAffinity(pid, String(cores - 1));
  return () => {
    for (const pid of pids()) setAffinity(pid, `0-${cores - 1}`);
  };
}

const FIGURES: [string, (sample: Sample) => number, number][] = [
  [LOAD.rate, (s) => s.perSecond, 0],
  ["p99 ms", (s) => s.p99Ms, 1],
  ["errors", (s) => s.errors, 0],
  ["auth-api ms", (s) => s.apiMs, 3],
  ["postgres ms", (s) => s.postgresMs, 3],
  ["loadgen ms", (s) => s.generatorMs, 3],
];

function report(builds: Build[], results: Sample[][]): void {
  console.log(
    `\n${LOAD.name}, ${rounds} rounds × ${seconds} s, ${concurrency} clients (ms = CPU per ${LOAD.unit})`,
  );
  for (const [index, build] of builds.entries()) {
    console.log(`${build.label}  ${build.checkout} ${build.nodeOptions.join(" ")}`);
    for (const [name, value, digits] of FIGURES) {
      const values = results[index]!.map(value);
      const cells = values.map((v) => v.toFixed(digits).padStart(8)).join(" ");
      console.log(`  ${name.padEnd(12)}${cells}  | median ${median(values).toFixed(digits)}`);
    }
  }
  // The two samples of one round are adjacent in time, so their ratio cancels the machine's drift.
  for (const [index, build] of builds.entries()) {
    if (index === 0) continue;
    const ratios = (value: (s: Sample) => number) => {
      const perRound = results[index]!.map((sample, round) => value(sample) / value(results[0]![round]!) - 1);
      const shown = perRound.map((r) => (r * 100).toFixed(0)).join(" ");
      return `${(median(perRound) * 100).toFixed(1)} % [${shown}]`;
    };
    console.log(
      `${build.label} vs A, median of per-round ratios: ${LOAD.rate} ${ratios((s) => s.perSecond)}; p99 ${ratios((s) => s.p99Ms)}; auth-api CPU ${ratios((s) => s.apiMs)}`,
    );
  }
}

async function main(): Promise<void> {
  const builds = parseBuilds(process.env.AB_BUILDS ?? "");
  if (builds.length < 2) throw new Error("set AB_BUILDS=dirA,dirB (checkouts with a built dist/)");
  if (!Object.hasOwn(LOADS, loadKind)) {
    throw new Error(`AB_LOAD=${loadKind}: one of ${Object.keys(LOADS).join(", ")}`);
  }
  log("starting a Hardhat node, deploying and seeding the contracts …");
  const chain = await startChain();
  const databases: BenchDatabase[] = [];
  const apis: BenchApi[] = [];
  let unpin = () => {};
  try {
    for (const build of builds) {
      const database = await createDatabase();
      databases.push(database);
      log(`starting auth-api ${build.label} from ${build.checkout} …`);
      apis.push(
        await startAuthApi({
          chain,
          databaseUrl: database.url,
          workers: "1",
          checkout: build.checkout,
          nodeOptions: build.nodeOptions,
        }),
      );
    }
    const trader = devAccount(DevAccountIndex.trader);
    const wallets = makeWallets(200, [
      { address: trader.address, privateKey: trader.getHdKey().privateKey! },
    ]);
    if (pinned) {
      unpin = pinAuthApis(apis.map((api) => api.pid));
      log("pinned: the auth-apis on the last core, every other process on the rest");
    }
    const targets = apis.map((api) => targetOf(api, wallets));
    log(`load: ${LOAD.name} (AB_LOAD=${loadKind}); warming each build for 3 s …`);
    for (const target of targets) {
      await target.prepare();
      await target.run(3);
    }
    const results: Sample[][] = builds.map(() => []);
    for (let round = 0; round < rounds; round++) {
      // In turn: A B, then B A, so that a drift of the machine falls on both sides. Together: all at once.
      const order = builds.map((_, index) => index);
      if (round % 2 === 1) order.reverse();
      for (const group of together ? [order] : order.map((index) => [index])) {
        const samples = await measure(group.map((index) => targets[index]!));
        for (const [position, sample] of samples.entries()) {
          const index = group[position]!;
          results[index]!.push(sample);
          log(
            `round ${round + 1} ${builds[index]!.label}${together ? " (together)" : ""}: ${sample.perSecond.toFixed(0)} ${LOAD.rate}, p99 ${sample.p99Ms.toFixed(1)} ms, auth-api ${sample.apiMs.toFixed(3)} ms, postgres ${sample.postgresMs.toFixed(3)} ms per ${LOAD.unit}`,
          );
        }
      }
    }
    report(builds, results);
  } finally {
    unpin();
    for (const api of apis) await api.stop();
    stopAll();
    for (const database of databases) await database.drop().catch(() => undefined);
  }
}

runBenchMain(main);
