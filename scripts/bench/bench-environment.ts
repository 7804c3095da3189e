// Starts what the benchmark measures, each as its own process like in production: a Hardhat node,
// the built auth-api (and example venue) against a fresh PostgreSQL database.
import { deployAccessStack, devAccount, DevAccountIndex, seedDemoRoles } from "@sigil/chain/dev";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { freePort } from "../../test/fixtures/free-port.js";
import { createPublicClient, createWalletClient, defineChain, http, type PublicClient } from "viem";
import { hardhat } from "viem/chains";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export const VENUE_CLIENT = { id: "bench-venue", secret: randomBytes(24).toString("hex") };

export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const children: ChildProcess[] = [];
export function stopAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
}
process.once("exit", stopAll);

/** Runs a bench script's `main`: exit 0 when it resolves; else the error, every child stopped, exit 1. */
export function runBenchMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      stopAll();
      process.exit(1);
    },
  );
}

/**
 * Keeps `child` for stopAll (and the exit hook); returns its stop, which ends it with SIGTERM and
 * resolves once it has exited (at once if it already has).
 */
export function tracked(child: ChildProcess): () => Promise<void> {
  children.push(child);
  return stopOf(child);
}

function stopOf(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
}

function start(
  args: string[],
  env: Record<string, string | undefined>,
  name: string,
  cwd = root,
): ChildProcess {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.once("exit", (code) => {
    if (code !== 0 && code !== null) console.error(`${name} exited ${code}: ${stderr}`);
  });
  tracked(child);
  return child;
}

export interface BenchChain {
  chainId: number;
  url: string;
  client: PublicClient;
  registry: `0x${string}`;
}

/**
 * A Hardhat node in its own process with the contracts deployed and the demo roles seeded; `chainId`
 * other than 31337 gives a second, independent chain (hardhat.config.ts reads SIGIL_HARDHAT_CHAIN_ID).
 */
export async function startChain(p: { chainId?: number } = {}): Promise<BenchChain> {
  const chainId = p.chainId ?? 31337;
  const port = await freePort();
  const cli = createRequire(import.meta.url).resolve("hardhat/internal/cli/cli.js");
  start(
    [cli, "node", "--hostname", "127.0.0.1", "--port", String(port)],
    { ...process.env, SIGIL_HARDHAT_CHAIN_ID: String(chainId) },
    "hardhat node",
  );
  const url = `http://127.0.0.1:${port}`;
  const transport = http(url, { retryCount: 3 });
  const chain = defineChain({ ...hardhat, id: chainId });
  const client = createPublicClient({ chain, transport }) as PublicClient;
  await waitFor("the chain", async () => (await client.getChainId()) === chainId);
  const walletClient = createWalletClient({
    account: devAccount(DevAccountIndex.admin),
    chain,
    transport,
  });
  const { registry } = await deployAccessStack({ publicClient: client, walletClient, governance: false });
  await seedDemoRoles({
    publicClient: client,
    walletClient,
    registry,
    trader: devAccount(DevAccountIndex.trader).address,
    viewer: devAccount(DevAccountIndex.viewer).address,
  });
  return { url, client, registry, chainId };
}

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database on the PostgreSQL server of BENCH_DATABASE_URL (default: this machine's). */
export async function createDatabase(): Promise<BenchDatabase> {
  const server =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    "postgres://postgres@127.0.0.1:5432/test";
  const name = `sigil_bench_${randomBytes(6).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

export interface BenchApi {
  url: string;
  /** Process id of the auth-api (the primary when it runs workers). */
  pid: number;
  /** Stops this auth-api (its primary and workers). */
  stop(): Promise<void>;
}

/** One key-encryption key for every auth-api of a run: they share the database's sealed keys. */
const BENCH_KEK = randomBytes(32).toString("base64");

/**
 * The built auth-api (dist/) in its own process: `workers` is its SIGIL_WORKERS (default
 * BENCH_WORKERS, else one process per core); `checkout` runs another checkout's build (A/B runs).
 */
export async function startAuthApi(p: {
  chain: BenchChain;
  databaseUrl: string;
  workers?: string;
  checkout?: string;
  nodeOptions?: string[];
  /** More environment, over the defaults (e.g. SIGIL_CHAINS and SIGIL_POLICY). */
  env?: Record<string, string>;
}): Promise<BenchApi> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // BENCH_API_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the auth-api.
  const nodeOptions = p.nodeOptions ?? process.env.BENCH_API_NODE_OPTIONS?.split(" ").filter(Boolean) ?? [];
  const child = start(
    [...nodeOptions, "dist/apps/auth-api/src/main.js"],
    {
      ...process.env,
      SIGIL_ENV: "test",
      // Logged as in production (a JSON line per request; stdout is discarded).
      SIGIL_LOG_LEVEL: "info",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: p.databaseUrl,
      SIGIL_ISSUER: url,
      SIGIL_KEK: BENCH_KEK,
      SIGIL_CHAINS: JSON.stringify([
        // The Hardhat node answers eth_subscribe on its HTTP port: role sync follows heads (BENCH_WS=0: polls only).
        {
          chainId: 31337,
          name: "bench",
          rpcUrls: [p.chain.url],
          registry: p.chain.registry,
          ...(process.env.BENCH_WS === "0" ? {} : { wsUrl: p.chain.url.replace(/^http/, "ws") }),
        },
      ]),
      SIGIL_RESOURCE_CLIENTS: JSON.stringify([VENUE_CLIENT]),
      // The load generator is one client address: per-IP sign-in limits would measure the limiter.
      SIGIL_AUTH_RATE_LIMIT_IP: "0",
      SIGIL_AUTH_RATE_LIMIT_ADDRESS: "0",
      SIGIL_RATE_LIMIT_TOKEN: "0",
      // One auth-api process per core (BENCH_WORKERS=1 measures a single process).
      SIGIL_WORKERS: p.workers ?? process.env.BENCH_WORKERS ?? "auto",
      ...p.env,
    },
    "auth-api",
    p.checkout ?? root,
  );
  await waitFor("the auth-api", async () => (await fetch(`${url}/health/ready`)).ok);
  return { url, pid: child.pid!, stop: stopOf(child) };
}

/** The built example venue (dist/) trusting the auth-api, in its own process. */
export async function startVenue(p: { api: BenchApi }): Promise<{ url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  start(
    ["dist/apps/example-venue/src/main.js"],
    {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      SIGIL_ISSUER: p.api.url,
      SIGIL_AUDIENCE: "urn:sigil:venue",
      SIGIL_JWKS_URL: `${p.api.url}/.well-known/jwks.json`,
      SIGIL_REVOCATIONS_URL: `${p.api.url}/v1/revocations`,
      VENUE_CLIENT_ID: VENUE_CLIENT.id,
      VENUE_CLIENT_SECRET: VENUE_CLIENT.secret,
    },
    "example-venue",
  );
  await waitFor("the example venue", async () => (await fetch(`${url}/health`)).ok);
  return { url };
}
