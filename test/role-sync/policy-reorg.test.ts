import type { INestApplication } from "@nestjs/common";
import { createApp, loadConfig, RoleSyncService } from "../../apps/auth-api/src/index.js";
import { AccessReaderService } from "../../apps/auth-api/src/chain/access-reader.service.js";
import { deployPolicyDemoOz, devAccount, devPassAbi, type PolicyDemoOz } from "@sigil/chain/dev";
import hre from "hardhat";
import { type Address, createPublicClient, createWalletClient, custom, type Hex } from "viem";
import { hardhat } from "viem/chains";
import { createTestDataSource, type TestDataSource } from "../fixtures/database.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { sleep, waitFor } from "../guard/support/wait.js";
import { registryAdmin } from "./support/registry-admin.js";

const ADMIN = 0;
const LOSES = 5;
const GAINS = 6;
const WINS = 7;
const address = (index: number): Address => devAccount(index).address;
const provider = () => hre.network.provider;

/**
 * A reorg through a policy source's events (P4): the losing branch transfers one account's pass away
 * (a revoking event) and mints one to another (a granting event); the winning branch mints to a third.
 * Decision: narrowing is fail-safe and is not undone when the event behind it is reorged out (the
 * account signs in again to get the scope back); the index and what live sessions hold must equal
 * a fresh re-index of the winning chain.
 */
describe("a reorg through policy source events", () => {
  let sigil: SigilTestEnvironment;
  let oz: PolicyDemoOz;
  let fresh: { database: TestDataSource; app: INestApplication } | undefined;

  beforeAll(async () => {
    sigil = await startSigil(
      { SIGIL_ROLE_SYNC: "true", SIGIL_ROLE_SYNC_POLL_MS: "50", SIGIL_RECONCILE_INTERVAL_MS: "0" },
      {
        policy: async ({ chain, stack }) => {
          oz = await deployPolicyDemoOz({
            publicClient: chain.publicClient,
            walletClient: chain.wallet(ADMIN),
          });
          return {
            sources: {
              registry: { chain: 31337, kind: "sigil-registry", address: stack.registry },
              pass: { chain: 31337, kind: "erc721", address: oz.pass },
              // A second source on the same contract: its logs are recorded once, for both.
              "two-passes": { chain: 31337, kind: "erc721", address: oz.pass, min: 2 },
            },
            rules: [
              { id: "registry", scopesFrom: "registry" },
              { id: "pass", scopes: ["orders:write"], when: ["pass"] },
              { id: "two-passes", scopes: ["positions:read"], when: ["two-passes"] },
            ],
          };
        },
      },
    );
    const admin = registryAdmin(sigil.chain, sigil.stack.registry);
    for (const account of [LOSES, GAINS, WINS]) await admin.grantRole("VIEWER", address(account));
  });

  afterAll(async () => {
    await fresh?.app.close();
    await fresh?.database.destroy();
    await sigil?.close();
  });

  /** Sends through the in-process network, not its HTTP server (which is paused while the reorg is built). */
  const send = async (from: number, functionName: "mint" | "transferFrom", args: unknown[]) => {
    const transport = custom(provider());
    const hash = await createWalletClient({
      account: devAccount(from),
      chain: hardhat,
      transport,
    }).writeContract({
      address: oz.pass,
      abi: devPassAbi,
      functionName,
      args,
    } as never);
    const receipt = await createPublicClient({ chain: hardhat, transport }).waitForTransactionReceipt({
      hash,
      pollingInterval: 10,
    });
    expect(receipt.status).toBe("success");
  };
  const head = () => sigil.chain.publicClient.getBlock({ blockTag: "latest" });
  /** Waits until the follower writing to `database` has applied the chain's newest block. */
  const caughtUp = async (database: TestDataSource) => {
    const { hash } = await head();
    await waitFor(
      async () =>
        (await database.dataSource.query(`SELECT block_hash FROM chain_cursors WHERE chain_id = 31337`))[0]
          ?.block_hash === hash,
      { timeoutMs: 10_000, everyMs: 20 },
    );
  };
  const login = async (account: number) => {
    const response = await signIn({ app: sigil.app, account: devAccount(account) });
    expect(response.status).toBe(200);
    return response.body as { session_id: string; scope: string };
  };
  const sessionScopes = async (sessionId: string): Promise<string[]> =>
    (await sigil.database.dataSource.query(`SELECT scopes FROM sessions WHERE id = $1`, [sessionId]))[0]
      .scopes;
  /** The follower's index, without when each row was written. */
  const index = async (database: TestDataSource) => ({
    policyEvents: await database.dataSource.query(
      `SELECT chain_id, block_number, block_hash, tx_hash, log_index, sources, accounts, holders_of, ends
         FROM chain_policy_events ORDER BY chain_id, block_number, log_index`,
    ),
    roleEvents: await database.dataSource.query(
      `SELECT chain_id, block_number, block_hash, tx_hash, log_index, kind, role, account, scope, name
         FROM chain_role_events ORDER BY chain_id, block_number, log_index`,
    ),
    cursors: await database.dataSource.query(
      `SELECT chain_id, block_number, block_hash FROM chain_cursors ORDER BY chain_id`,
    ),
  });

  it("P4 a reorg removing a pass transfer and a pass mint leaves the policy index and live sessions equal to a fresh re-index", async () => {
    await send(ADMIN, "mint", [address(LOSES)]); // pass 1
    await caughtUp(sigil.database);
    const loses = await login(LOSES);
    expect(loses.scope).toBe("orders:write positions:read");
    const fork = (await provider().request({ method: "evm_snapshot" })) as Hex;

    // The losing branch: a revoking event, then a granting one, both applied by the follower.
    await send(LOSES, "transferFrom", [address(LOSES), address(ADMIN), 1n]);
    await waitFor(async () => !(await sessionScopes(loses.session_id)).includes("orders:write"), {
      timeoutMs: 5_000,
    });
    await send(ADMIN, "mint", [address(GAINS)]);
    await caughtUp(sigil.database);
    const gains = await login(GAINS);
    expect(gains.scope).toBe("orders:write positions:read");
    const orphaned = await index(sigil.database);
    expect(orphaned.policyEvents.map((row: { accounts: string[] }) => row.accounts)).toEqual([
      [address(LOSES)],
      [address(LOSES), address(ADMIN)],
      [address(GAINS)],
    ]);
    for (const row of orphaned.policyEvents as { sources: string[] }[])
      expect(row.sources).toEqual(["pass", "two-passes"]);

    // Past the follower's sign-in re-check overlap (2 s): only the reorg itself can take the mint's scope back.
    await sleep(2_500);
    // The winning branch, longer, appears at once: the RPC is down while it is built.
    await sigil.chain.pause();
    try {
      await provider().request({ method: "evm_revert", params: [fork] });
      await send(ADMIN, "mint", [address(WINS)]);
      for (let i = 0; i < 4; i += 1) await provider().request({ method: "evm_mine" });
    } finally {
      await sigil.chain.resume();
    }
    await caughtUp(sigil.database);

    const database = await createTestDataSource();
    const app = await createApp({
      config: loadConfig(sigil.env),
      dataSource: database.dataSource,
      logger: ["error"],
    });
    fresh = { database, app };
    await app.init();
    expect(app.get(RoleSyncService).follower(31337)).toBeDefined();
    await caughtUp(database);

    const reindexed = await index(database);
    expect(await index(sigil.database)).toEqual(reindexed);
    expect(reindexed.policyEvents.map((row: { accounts: string[] }) => row.accounts)).toEqual([
      [address(LOSES)],
      [address(WINS)],
    ]);

    // Every live session holds no more than the winning chain allows, as read by the re-indexed app.
    const live: { id: string; address: Address; scopes: string[] }[] = await sigil.database.dataSource.query(
      `SELECT id, address, scopes FROM sessions WHERE revoked_at IS NULL ORDER BY created_at`,
    );
    expect(live.map((session) => session.id)).toEqual([loses.session_id, gains.session_id]);
    for (const session of live) {
      const allowed = (await app.get(AccessReaderService).read(31337, session.address, "eoa")).scopes;
      expect(session.scopes.filter((scope) => !allowed.includes(scope))).toEqual([]);
    }
    // The mint behind the gaining session is gone: it is narrowed like a transfer away.
    expect(await sessionScopes(gains.session_id)).toEqual(["positions:read"]);
    // The transfer behind the narrowing is gone too, but narrowing is not undone: signing in again restores it.
    expect(await sessionScopes(loses.session_id)).toEqual(["positions:read"]);
    expect((await login(LOSES)).scope).toBe("orders:write positions:read");
    expect((await login(WINS)).scope).toBe("orders:write positions:read");
    expect((await login(GAINS)).scope).toBe("positions:read");
  });
});
