import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import { ChainClient, fetchRoleEvents } from "@sigil/chain";
import { devAccount } from "@sigil/chain/dev";
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../fixtures/free-port.js";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import { registryAdmin } from "./support/registry-admin.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ROLE_SYNC = {
  SIGIL_ROLE_SYNC: "true",
  SIGIL_ROLE_SYNC_POLL_MS: "50",
  SIGIL_ROLE_SYNC_LEADER_RETRY_MS: "200",
  SIGIL_RECONCILE_INTERVAL_MS: "0",
};

// Several processes share one database only on a real server (PGlite is embedded in one process).
const withServer = process.env.TEST_DATABASE_URL ? describe : describe.skip;

/** Two instances on one Postgres: the leader is killed with SIGKILL, the standby continues from the cursor. */
withServer("role sync leader fail-over (needs TEST_DATABASE_URL)", () => {
  let sigil: SigilTestEnvironment;
  let leader: ChildProcess | undefined;
  let leaderErrors = "";
  const query = (sql: string, params: unknown[] = []) => sigil.database.dataSource.query(sql, params);
  const leaderLocks = async () =>
    Number(
      (
        await query(
          `SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'sigil-role-sync-leader'
              AND a.datname = current_database()`,
        )
      )[0].n,
    );

  beforeAll(async () => {
    // Instance B (in this process) starts with role sync off; A, a separate process, leads first.
    sigil = await startSigil();
    const env = {
      ...sigil.env,
      ...ROLE_SYNC,
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      PORT: String(await freePort()),
      DATABASE_URL: (sigil.database.dataSource.options as { url: string }).url,
    };
    leader = spawn(process.execPath, [path.join(root, "dist/apps/auth-api/src/main.js")], {
      cwd: root,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    leader.stderr!.on("data", (chunk: Buffer) => (leaderErrors += chunk.toString()));
    await waitFor(async () => (await leaderLocks()) === 1, { timeoutMs: 20_000, everyMs: 50 }).catch(
      (error) => {
        throw new Error(`instance A never led: ${leaderErrors.slice(-2000)}`, { cause: error });
      },
    );
  });

  afterAll(async () => {
    leader?.kill("SIGKILL");
    await sigil?.close();
  });

  it("kill -9 of the leader: the standby takes over within seconds and applies every event once, none missed", async () => {
    const standby = await sigil.createInstance(ROLE_SYNC);
    const follower = standby.get(RoleSyncService).follower(31337)!;
    const admin = registryAdmin(sigil.chain, sigil.stack.registry);
    const [trader, viewer, noRole] = [1, 2, 3].map((index) => devAccount(index).address) as [
      `0x${string}`,
      `0x${string}`,
      `0x${string}`,
    ];

    // While A leads, B only waits.
    const first = await admin.revokeRole("VIEWER", viewer);
    await waitFor(
      async () =>
        (await query(`SELECT 1 FROM chain_role_events WHERE tx_hash = $1`, [first.transactionHash]))
          .length === 1,
      { timeoutMs: 5_000 },
    );
    expect(follower.leader).toBe(false);
    expect(follower.steps).toBe(0);

    leader!.kill("SIGKILL");
    const killedAt = performance.now();
    // Changes made while nobody follows.
    await admin.grantRole("VIEWER", noRole);
    await admin.removeScope("TRADER", "orders:write");
    await admin.revokeRole("TRADER", trader);

    await waitFor(() => follower.leader, { timeoutMs: 10_000, everyMs: 20 });
    const takeoverMs = performance.now() - killedAt;
    expect(takeoverMs).toBeLessThan(3_000);

    const head = await sigil.chain.publicClient.getBlockNumber({ cacheTime: 0 });
    await waitFor(
      async () => BigInt((await query(`SELECT block_number FROM chain_cursors`))[0].block_number) === head,
      { timeoutMs: 5_000 },
    );
    const onChain = await fetchRoleEvents({
      chain: new ChainClient({
        chainId: 31337,
        name: "local",
        rpcUrls: [sigil.chain.url],
        registry: sigil.stack.registry,
        timeoutMs: 2_000,
      }),
      fromBlock: 0n,
      toBlock: head,
    });
    const recorded: { tx_hash: string; log_index: number }[] = await query(
      `SELECT tx_hash, log_index FROM chain_role_events ORDER BY block_number, log_index`,
    );
    expect(recorded).toEqual(onChain.map((event) => ({ tx_hash: event.txHash, log_index: event.logIndex })));
    expect(await leaderLocks()).toBe(1);
  });
});
