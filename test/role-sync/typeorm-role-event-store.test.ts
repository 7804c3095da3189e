import { ChainClient, followRoleEvents, readBlockLinks } from "@sigil/chain";
import { deployAccessStack, devAccount, DevAccountIndex, seedDemoRoles } from "@sigil/chain/dev";
import type { RoleEventBatch } from "@sigil/core";
import { readIndexedAccess, type RoleEventEffects, TypeormRoleEventStore } from "@sigil/persistence";
import hre from "hardhat";
import type { Address, Hex } from "viem";
import { createTestDataSource, type TestDataSource } from "../fixtures/database.js";
import { type LocalChain, startLocalChain } from "../fixtures/local-chain.js";
import { registryAdmin } from "./support/registry-admin.js";

const accounts = [1, 2, 3].map((index) => devAccount(index).address);

/** The follower's Postgres state: atomic batches, a cursor that survives crashes, reorgs rewound. */
describe("TypeormRoleEventStore with the follower", () => {
  let chain: LocalChain;
  let registry: Address;
  let genesisHash: Hex;
  const databases: TestDataSource[] = [];
  const client = () =>
    new ChainClient({ chainId: 31337, name: "local", rpcUrls: [chain.url], registry, timeoutMs: 2_000 });

  async function freshStore(effects?: RoleEventEffects<unknown>) {
    const database = await createTestDataSource();
    databases.push(database);
    const store = new TypeormRoleEventStore({
      dataSource: database.dataSource,
      identity: { genesisHash, registryAddress: registry },
      effects,
    });
    return { database, store };
  }
  const follow = (store: TypeormRoleEventStore) =>
    followRoleEvents({
      chain: client(),
      store,
      confirmations: 0,
      fromBlock: 0n,
      maxRange: 5,
      maxBatches: 1_000,
    });
  const indexed = (database: TestDataSource, atBlock: bigint) =>
    readIndexedAccess({ manager: database.dataSource.manager, chainId: 31337, atBlock, accounts });
  const count = async (database: TestDataSource) =>
    Number((await database.dataSource.query(`SELECT count(*) AS n FROM chain_role_events`))[0].n);

  beforeAll(async () => {
    chain = await startLocalChain();
    const walletClient = chain.wallet(DevAccountIndex.admin);
    ({ registry } = await deployAccessStack({
      publicClient: chain.publicClient,
      walletClient,
      governance: false,
    }));
    await seedDemoRoles({
      publicClient: chain.publicClient,
      walletClient,
      registry,
      trader: accounts[0]!,
      viewer: accounts[1]!,
    });
    genesisHash = (await readBlockLinks(client(), [0n]))[0]!.hash;
  });

  afterAll(async () => {
    for (const database of databases) await database.destroy();
    await chain?.stop();
  });

  it("G4: a crash inside a batch leaves neither its events nor a moved cursor; the retry applies each event once", async () => {
    let crash = true;
    const effects: RoleEventEffects<undefined> = {
      prepare: async () => undefined,
      applyWithin: async (_manager, batch: RoleEventBatch) => {
        if (crash && batch.events.length > 0) throw new Error("killed mid-batch");
      },
    };
    const { database, store } = await freshStore(effects);
    await expect(follow(store)).rejects.toThrow("killed mid-batch");
    const stuckAt = await store.position(31337);
    const recorded = await count(database);

    crash = false;
    const result = await follow(store);
    const head = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
    expect(result.position?.number).toBe(head);
    // Nothing of the failed batch was kept: the retry added it whole, once.
    expect(result.applied).toBe((await count(database)) - recorded);
    expect((await follow(store)).applied).toBe(0);
    expect(stuckAt === undefined || stuckAt.block.number < head).toBe(true);
    const [access] = await indexed(database, head);
    expect(access!.roles.map((role) => role.name)).toEqual(["TRADER"]);
  });

  it("D5: after a reorg the indexed roles equal a fresh re-index of the winning chain", async () => {
    const admin = registryAdmin(chain, registry);
    const { database, store } = await freshStore();
    await follow(store);
    const snapshot = (await hre.network.provider.request({ method: "evm_snapshot" })) as Hex;
    await admin.revokeRole("TRADER", accounts[0]!);
    await admin.removeScope("VIEWER", "positions:read");
    await follow(store);
    const head = () => chain.publicClient.getBlockNumber({ cacheTime: 0 });
    expect((await indexed(database, await head()))[0]!.roles).toEqual([]);

    await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
    await admin.grantRole("VIEWER", accounts[2]!);
    for (let i = 0; i < 3; i += 1) await hre.network.provider.request({ method: "evm_mine" });
    const result = await follow(store);
    expect(result.rewound).toBe(true);

    const fresh = await freshStore();
    await follow(fresh.store);
    const at = await head();
    expect(await indexed(database, at)).toEqual(await indexed(fresh.database, at));
    expect((await indexed(database, at)).map((access) => access.scopes)).toEqual([
      ["orders:read", "orders:write", "positions:read"],
      ["positions:read"],
      ["positions:read"],
    ]);
    expect(await count(database)).toBe(await count(fresh.database));
  });

  it("re-indexes from the start when the chain on record is another one (new genesis or registry)", async () => {
    const { database, store } = await freshStore();
    await follow(store);
    const other = new TypeormRoleEventStore({
      dataSource: database.dataSource,
      identity: { genesisHash, registryAddress: "0x000000000000000000000000000000000000dEaD" },
    });
    expect(await other.position(31337)).toBeUndefined();
    expect(await count(database)).toBe(0);
  });
});
