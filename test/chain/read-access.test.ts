import { ChainClient, type ChainConfig, readAccess } from "@sigil/chain";
import { deployAccessStack, devAccount, DevAccountIndex, seedDemoRoles } from "@sigil/chain/dev";
import { ChainIdMismatchError, RegistryUnavailableError, RpcUnavailableError } from "@sigil/core";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Address } from "viem";
import { type LocalChain, startLocalChain } from "../fixtures/local-chain.js";

const trader = devAccount(DevAccountIndex.trader).address;
const viewer = devAccount(DevAccountIndex.viewer).address;
const noRole = devAccount(DevAccountIndex.noRole).address;

describe("readAccess against a local chain over HTTP", () => {
  let chain: LocalChain;
  let registry: Address;
  let deployedAtBlock: bigint;
  const config = (overrides: Partial<ChainConfig> = {}): ChainConfig => ({
    chainId: 31337,
    name: "local",
    rpcUrls: [chain.url],
    registry,
    timeoutMs: 2_000,
    ...overrides,
  });

  beforeAll(async () => {
    chain = await startLocalChain();
    const walletClient = chain.wallet(DevAccountIndex.admin);
    const stack = await deployAccessStack({
      publicClient: chain.publicClient,
      walletClient,
      governance: false,
    });
    registry = stack.registry;
    deployedAtBlock = stack.deployedAtBlock;
    await seedDemoRoles({ publicClient: chain.publicClient, walletClient, registry, trader, viewer });
  });

  afterAll(() => chain.stop());

  it("returns TRADER and its scopes for dev account 1, at the block it states", async () => {
    const access = await readAccess({ chain: new ChainClient(config()), address: trader });
    const latest = await chain.publicClient.getBlock();
    expect(access.block).toEqual({ chainId: 31337, number: latest.number, hash: latest.hash });
    expect(access.roles.map((role) => [role.name, role.scopes])).toEqual([
      ["TRADER", ["orders:read", "orders:write", "positions:read"]],
    ]);
    expect(access.scopes).toEqual(["orders:read", "orders:write", "positions:read"]);
  });

  it("returns VIEWER for account 2 and no role for account 3", async () => {
    const client = new ChainClient(config());
    expect((await readAccess({ chain: client, address: viewer })).scopes).toEqual(["positions:read"]);
    const none = await readAccess({ chain: client, address: noRole });
    expect(none.roles).toEqual([]);
    expect(none.scopes).toEqual([]);
  });

  it("reads at a past block when told to: before the seed, account 1 had no role", async () => {
    const past = await chain.publicClient.getBlock({ blockNumber: deployedAtBlock });
    const access = await readAccess({
      chain: new ChainClient(config()),
      address: trader,
      at: { number: past.number, hash: past.hash },
    });
    expect(access.block.number).toBe(deployedAtBlock);
    expect(access.roles).toEqual([]);
  });

  it("falls back to the next RPC URL when the first is dead", async () => {
    const access = await readAccess({
      chain: new ChainClient(config({ rpcUrls: ["http://127.0.0.1:9", chain.url] })),
      address: trader,
    });
    expect(access.scopes).toContain("orders:write");
  });

  it("sends the per-role reads as one JSON-RPC batch", async () => {
    const proxy = await countingProxy(chain.url);
    try {
      await readAccess({ chain: new ChainClient(config({ rpcUrls: [proxy.url] })), address: trader });
      // chain id, latest block, accessOf, then roleName + scopesOf of the one role in one request.
      expect(proxy.callsPerRequest).toEqual([1, 1, 1, 2]);
    } finally {
      await proxy.close();
    }
  });

  it("fails with registry_unavailable when the registry address has no contract", async () => {
    const promise = readAccess({ chain: new ChainClient(config({ registry: noRole })), address: trader });
    await expect(promise).rejects.toBeInstanceOf(RegistryUnavailableError);
  });

  it("fails with chain_id_mismatch when the RPC serves another chain", async () => {
    const promise = readAccess({ chain: new ChainClient(config({ chainId: 1 })), address: trader });
    await expect(promise).rejects.toBeInstanceOf(ChainIdMismatchError);
  });

  it("fails with rpc_unavailable, not an empty answer, while the chain is stopped, and recovers", async () => {
    const client = new ChainClient(config());
    await readAccess({ chain: client, address: trader });
    await chain.pause();
    try {
      const error = await readAccess({ chain: client, address: trader }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RpcUnavailableError);
      expect((error as RpcUnavailableError).details).toMatchObject({ chainId: 31337, registry });
    } finally {
      await chain.resume();
    }
    expect((await readAccess({ chain: client, address: trader })).scopes).toContain("orders:write");
  });
});

/** An HTTP proxy in front of the chain that records how many JSON-RPC calls each HTTP request carried. */
async function countingProxy(target: string) {
  const callsPerRequest: number[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const parsed = JSON.parse(body) as unknown;
    callsPerRequest.push(Array.isArray(parsed) ? parsed.length : 1);
    const upstream = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    res.writeHead(upstream.status, { "content-type": "application/json" });
    res.end(await upstream.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    callsPerRequest,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
