import {
  accessRegistryAbi,
  ChainClient,
  followRoleEvents,
  type FollowRoleEventsParameters,
} from "@sigil/chain";
import {
  deployAccessStack,
  devAccount,
  DevAccountIndex,
  type DemoRoleIds,
  seedDemoRoles,
} from "@sigil/chain/dev";
import { RpcUnavailableError } from "@sigil/core";
import hre from "hardhat";
import { type Address, type Hex, zeroHash } from "viem";
import { type LocalChain, startLocalChain } from "../fixtures/local-chain.js";
import { type RpcProxy, startRpcProxy } from "../fixtures/rpc-proxy.js";
import { MemoryRoleEventStore } from "./support/memory-role-event-store.js";

const trader = devAccount(DevAccountIndex.trader).address;
const viewer = devAccount(DevAccountIndex.viewer).address;
const noRole = devAccount(DevAccountIndex.noRole).address;

describe("followRoleEvents against a local chain over HTTP", () => {
  let chain: LocalChain;
  let proxy: RpcProxy;
  let registry: Address;
  let roles: DemoRoleIds;

  const client = () =>
    new ChainClient({ chainId: 31337, name: "local", rpcUrls: [proxy.url], registry, timeoutMs: 2_000 });
  const follow = (store: MemoryRoleEventStore, overrides: Partial<FollowRoleEventsParameters> = {}) =>
    followRoleEvents({
      chain: client(),
      store,
      confirmations: 0,
      fromBlock: 0n,
      maxRange: 1_000,
      maxBatches: 1_000,
      ...overrides,
    });
  const admin = () => chain.wallet(DevAccountIndex.admin);
  const send = async (hash: Promise<Hex>) =>
    chain.publicClient.waitForTransactionReceipt({ hash: await hash, pollingInterval: 10 });
  const grant = (role: Hex, account: Address) =>
    send(
      admin().writeContract({
        address: registry,
        abi: accessRegistryAbi,
        functionName: "grantRole",
        args: [role, account],
      }),
    );
  const revoke = (role: Hex, account: Address) =>
    send(
      admin().writeContract({
        address: registry,
        abi: accessRegistryAbi,
        functionName: "revokeRole",
        args: [role, account],
      }),
    );
  // One evm_mine per block: hardhat_mine's reserved blocks report a zero parentHash, unlike any real chain.
  const mine = async (blocks: number) => {
    for (let i = 0; i < blocks; i += 1) await hre.network.provider.request({ method: "evm_mine" });
  };

  beforeAll(async () => {
    chain = await startLocalChain();
    proxy = await startRpcProxy(chain.url);
    const stack = await deployAccessStack({
      publicClient: chain.publicClient,
      walletClient: admin(),
      governance: false,
    });
    registry = stack.registry;
    roles = await seedDemoRoles({
      publicClient: chain.publicClient,
      walletClient: admin(),
      registry,
      trader,
      viewer,
    });
  });

  afterAll(async () => {
    await proxy?.close();
    await chain?.stop();
  });

  it("D4: applies every registry event from the start exactly once, in ranges of at most maxRange blocks", async () => {
    const store = new MemoryRoleEventStore();
    const head = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
    const result = await follow(store, { maxRange: 2 });

    expect(result.position?.number).toBe(head);
    expect(result.lag).toBe(0n);
    expect(store.state()).toEqual({
      members: [
        `${zeroHash}:${devAccount(DevAccountIndex.admin).address}`,
        `${roles.trader}:${trader}`,
        `${roles.viewer}:${viewer}`,
      ].sort(),
      scopes: [
        `${roles.trader}:orders:read`,
        `${roles.trader}:orders:write`,
        `${roles.trader}:positions:read`,
        `${roles.viewer}:positions:read`,
      ].sort(),
    });
    for (const batch of store.batches) {
      const from = batch.events[0]?.blockNumber ?? batch.to.number;
      expect(batch.to.number - from).toBeLessThan(2n);
    }
    // Running again over the same chain finds nothing new.
    expect((await follow(store)).applied).toBe(0);
    expect(result.applied).toBe(store.events.size);
  });

  it("D4: catches up after 500 blocks offline in bounded getLogs ranges, missing nothing", async () => {
    const store = new MemoryRoleEventStore();
    await follow(store);
    await mine(250);
    await grant(roles.viewer, noRole);
    await mine(250);
    proxy.methods.length = 0;

    // Ten ranges of 100 blocks per step: two steps cover 501 blocks.
    const first = await follow(store, { maxRange: 100, maxBatches: 3 });
    expect(first.lag).toBeGreaterThan(0n);
    const second = await follow(store, { maxRange: 100, maxBatches: 10 });
    expect(second.lag).toBe(0n);
    expect(store.state().members).toContain(`${roles.viewer}:${noRole}`);
    expect(proxy.methods.filter((method) => method === "eth_getLogs").length).toBe(6);
    await revoke(roles.viewer, noRole);
  });

  it("applies events only once they have the configured confirmations", async () => {
    const store = new MemoryRoleEventStore();
    await mine(3); // bury what earlier tests did
    await follow(store, { confirmations: 3 });
    await grant(roles.viewer, noRole);
    await follow(store, { confirmations: 3 });
    expect(store.state().members).not.toContain(`${roles.viewer}:${noRole}`);
    await mine(3);
    await follow(store, { confirmations: 3 });
    expect(store.state().members).toContain(`${roles.viewer}:${noRole}`);
    await revoke(roles.viewer, noRole);
  });

  it("D3: needs no server-side filter: a node that lost every filter misses no event", async () => {
    const store = new MemoryRoleEventStore();
    await follow(store);
    proxy.filtersDead = true;
    proxy.methods.length = 0;
    try {
      await grant(roles.viewer, noRole);
      await follow(store);
      expect(store.state().members).toContain(`${roles.viewer}:${noRole}`);
      expect(proxy.methods.filter((method) => /filter/i.test(method))).toEqual([]);
    } finally {
      proxy.filtersDead = false;
      await revoke(roles.viewer, noRole);
    }
  });

  it("D1: an RPC outage is a typed rpc_unavailable error that leaves the position; it resumes after", async () => {
    const store = new MemoryRoleEventStore();
    const before = await follow(store);
    proxy.down = true;
    try {
      await grant(roles.viewer, noRole);
      await expect(follow(store)).rejects.toBeInstanceOf(RpcUnavailableError);
      expect((await store.position(31337))?.block).toEqual(before.position);
    } finally {
      proxy.down = false;
    }
    await follow(store);
    expect(store.state().members).toContain(`${roles.viewer}:${noRole}`);
    await revoke(roles.viewer, noRole);
  });

  it("D5: after a reorg below the position it rewinds to the fork point, and ends equal to a fresh re-index", async () => {
    const store = new MemoryRoleEventStore();
    await follow(store);
    const snapshot = (await hre.network.provider.request({ method: "evm_snapshot" })) as Hex;
    const forkPoint = await chain.publicClient.getBlockNumber({ cacheTime: 0 });

    // The fork that will be dropped: TRADER revoked from account 1, then two more blocks.
    await revoke(roles.trader, trader);
    await mine(2);
    await follow(store);
    expect(store.state().members).not.toContain(`${roles.trader}:${trader}`);

    // The fork that wins: back to the fork point, another change, and a longer chain.
    await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
    await grant(roles.viewer, noRole);
    await mine(4);
    const result = await follow(store);

    expect(result.rewound).toBe(true);
    expect(store.rewinds).toEqual([forkPoint]);
    const fresh = new MemoryRoleEventStore();
    await follow(fresh);
    expect(store.state()).toEqual(fresh.state());
    expect(store.state().members).toContain(`${roles.trader}:${trader}`);
    expect(store.state().members).toContain(`${roles.viewer}:${noRole}`);
    expect([...store.events.keys()].sort()).toEqual([...fresh.events.keys()].sort());
  });
});
