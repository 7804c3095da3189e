import {
  accessControlSource,
  accessManagerSource,
  ChainClient,
  type ChainConfig,
  erc1155Source,
  erc20Source,
  erc721Source,
  type PolicySourceAdapter,
  sigilVotesTokenAbi,
} from "@sigil/chain";
import {
  deployPolicyDemoOz,
  devAccessManagerAbi,
  devAccount,
  devPass1155Abi,
  devPassAbi,
  devVaultAbi,
  type PolicyDemoOz,
} from "@sigil/chain/dev";
import {
  type AccessControlSource,
  type AccessManagerSource,
  type BlockRef,
  type Erc1155Source,
  type Erc20Source,
  type Erc721Source,
  type PolicySource,
  PolicySourceUnavailableError,
  RpcUnavailableError,
} from "@sigil/core";
import hre from "hardhat";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Address,
  erc20Abi,
  type Hex,
  keccak256,
  type Log,
  parseUnits,
  stringToBytes,
  toHex,
  type TransactionReceipt,
  zeroAddress,
} from "viem";
import { type LocalChain, startLocalChain } from "../fixtures/local-chain.js";

const ADMIN = 0;
const HOLDER = 1;
const admin = devAccount(ADMIN).address;
const holder = devAccount(HOLDER).address;
const late = devAccount(2).address;
const other = devAccount(3).address;

const TRADER_ROLE = keccak256(stringToBytes("TRADER_ROLE"));
const VIEWER_ROLE = keccak256(stringToBytes("VIEWER_ROLE"));
const UNMAPPED_ROLE = keccak256(stringToBytes("UNMAPPED_ROLE"));
const FIVE_DAYS = 5 * 24 * 3600;

type Named<S extends PolicySource> = S & { id: string };

describe("OpenZeppelin policy sources against a local chain over HTTP", () => {
  let chain: LocalChain;
  let demo: PolicyDemoOz;
  let client: ChainClient;

  const config = (overrides: Partial<ChainConfig> = {}): ChainConfig => ({
    chainId: 31337,
    name: "local",
    rpcUrls: [chain.url],
    registry: zeroAddress,
    timeoutMs: 2_000,
    ...overrides,
  });
  const base = { chain: 31337, reach: "eoa-anywhere" } as const;
  const vaultSource = (): Named<AccessControlSource> => ({
    ...base,
    id: "vault",
    kind: "access-control",
    address: demo.vault,
    roles: {
      [TRADER_ROLE]: ["orders:write", "orders:read"],
      [VIEWER_ROLE]: ["positions:read", "orders:read"],
    },
  });
  const managerSource = (): Named<AccessManagerSource> => ({
    ...base,
    id: "manager",
    kind: "access-manager",
    address: demo.manager,
    roles: { "7": ["orders:write", "orders:read"], "9": ["positions:read"] },
  });
  const tokenSource = (overrides: Partial<Named<Erc20Source>> = {}): Named<Erc20Source> => ({
    ...base,
    id: "token",
    kind: "erc20",
    address: demo.token,
    measure: "balance",
    threshold: "100",
    ...overrides,
  });
  const passSource = (overrides: Partial<Erc721Source> = {}): Named<Erc721Source> => ({
    ...base,
    id: "pass",
    kind: "erc721",
    address: demo.pass,
    min: 1,
    ...overrides,
  });
  const pass1155Source = (overrides: Partial<Erc1155Source> = {}): Named<Erc1155Source> => ({
    ...base,
    id: "pass1155",
    kind: "erc1155",
    address: demo.pass1155,
    tokenId: "5",
    min: 2,
    ...overrides,
  });

  const read = <S extends PolicySource>(
    adapter: PolicySourceAdapter<S>,
    source: Named<S>,
    account: Address,
    block: BlockRef,
    chainClient = client,
  ) => adapter.read({ chain: chainClient, source, account, block, now: new Date() });

  const send = async (hash: Promise<Hex>): Promise<TransactionReceipt> => {
    const receipt = await chain.publicClient.waitForTransactionReceipt({
      hash: await hash,
      pollingInterval: 10,
    });
    expect(receipt.status).toBe("success");
    return receipt;
  };
  const blockOf = (receipt: TransactionReceipt): BlockRef => ({
    chainId: 31337,
    number: receipt.blockNumber,
    hash: receipt.blockHash,
  });
  const latest = async (): Promise<BlockRef> => {
    const block = await chain.publicClient.getBlock();
    return { chainId: 31337, number: block.number, hash: block.hash };
  };
  /** The transaction's logs as the follower gets them: from eth_getLogs, not the receipt. */
  const logsOf = async (receipt: TransactionReceipt): Promise<Log[]> =>
    (await chain.publicClient.getLogs({ blockHash: receipt.blockHash })).filter(
      (log) => log.transactionHash === receipt.transactionHash,
    );
  const touchedBy = async <S extends PolicySource>(
    adapter: PolicySourceAdapter<S>,
    source: Named<S>,
    receipt: TransactionReceipt,
  ) => (await logsOf(receipt)).map((log) => adapter.touched({ source, log }));

  beforeAll(async () => {
    chain = await startLocalChain();
    demo = await deployPolicyDemoOz({ publicClient: chain.publicClient, walletClient: chain.wallet(ADMIN) });
    client = new ChainClient(config());
  });

  afterAll(() => chain.stop());

  describe("access-control", () => {
    const vault = (from: number, functionName: "grantRole" | "revokeRole", role: Hex, account: Address) =>
      send(
        chain
          .wallet(from)
          .writeContract({ address: demo.vault, abi: devVaultAbi, functionName, args: [role, account] }),
      );

    it("a granted role holds with its scopes, a revoke ends it, and pinned reads answer as of their block", async () => {
      const before = await latest();
      const trader = await vault(ADMIN, "grantRole", TRADER_ROLE, holder);
      expect(await read(accessControlSource, vaultSource(), holder, blockOf(trader))).toEqual({
        holds: true,
        scopes: ["orders:read", "orders:write"],
        roles: [{ id: TRADER_ROLE, name: TRADER_ROLE, scopes: ["orders:read", "orders:write"] }],
      });

      const both = await vault(ADMIN, "grantRole", VIEWER_ROLE, holder);
      const answer = await read(accessControlSource, vaultSource(), holder, blockOf(both));
      expect(answer.scopes).toEqual(["orders:read", "orders:write", "positions:read"]);
      expect(answer.roles?.map((role) => role.id)).toEqual([TRADER_ROLE, VIEWER_ROLE]);

      await vault(ADMIN, "revokeRole", TRADER_ROLE, holder);
      const gone = await vault(ADMIN, "revokeRole", VIEWER_ROLE, holder);
      expect(await read(accessControlSource, vaultSource(), holder, blockOf(gone))).toEqual({
        holds: false,
        scopes: [],
        roles: [],
      });
      expect((await read(accessControlSource, vaultSource(), holder, blockOf(both))).holds).toBe(true);
      expect((await read(accessControlSource, vaultSource(), holder, before)).holds).toBe(false);
    });

    it("touched(): a grant touches the account, a revoke also ends; an unmapped role is not followed", async () => {
      const granted = await vault(ADMIN, "grantRole", TRADER_ROLE, other);
      expect(await touchedBy(accessControlSource, vaultSource(), granted)).toEqual([{ accounts: [other] }]);
      const revoked = await vault(ADMIN, "revokeRole", TRADER_ROLE, other);
      expect(await touchedBy(accessControlSource, vaultSource(), revoked)).toEqual([
        { accounts: [other], ends: true },
      ]);
      const unmapped = await vault(ADMIN, "grantRole", UNMAPPED_ROLE, other);
      expect(await touchedBy(accessControlSource, vaultSource(), unmapped)).toEqual([undefined]);
      expect((await read(accessControlSource, vaultSource(), other, blockOf(unmapped))).holds).toBe(false);
    });

    it("sends the hasRole calls of one read as one JSON-RPC batch, pinned to the block hash", async () => {
      const proxy = await countingProxy(chain.url);
      try {
        const block = await latest();
        await read(
          accessControlSource,
          vaultSource(),
          holder,
          block,
          new ChainClient(config({ rpcUrls: [proxy.url] })),
        );
        // eth_chainId once, then both hasRole calls in one request.
        expect(proxy.callsPerRequest).toEqual([1, 2]);
        expect(proxy.blockParams.at(-1)).toEqual({ blockHash: block.hash, requireCanonical: true });
      } finally {
        await proxy.close();
      }
    });
  });

  describe("access-manager", () => {
    const manage = (functionName: "grantRole" | "revokeRole", roleId: bigint, account: Address) =>
      send(
        chain.wallet(ADMIN).writeContract({
          address: demo.manager,
          abi: devAccessManagerAbi,
          functionName,
          args: functionName === "grantRole" ? [roleId, account, 0] : [roleId, account],
        } as never),
      );

    it("a member holds its role's scopes, a revoke ends it, and pinned reads answer as of their block", async () => {
      const before = await latest();
      const granted = await manage("grantRole", 7n, holder);
      expect(await read(accessManagerSource, managerSource(), holder, blockOf(granted))).toEqual({
        holds: true,
        scopes: ["orders:read", "orders:write"],
        roles: [{ id: toHex(7n, { size: 32 }), name: "7", scopes: ["orders:read", "orders:write"] }],
      });
      expect(await touchedBy(accessManagerSource, managerSource(), granted)).toEqual([
        { accounts: [holder] },
      ]);

      const revoked = await manage("revokeRole", 7n, holder);
      expect(await read(accessManagerSource, managerSource(), holder, blockOf(revoked))).toEqual({
        holds: false,
        scopes: [],
        roles: [],
      });
      expect(await touchedBy(accessManagerSource, managerSource(), revoked)).toEqual([
        { accounts: [holder], ends: true },
      ]);
      expect((await read(accessManagerSource, managerSource(), holder, blockOf(granted))).holds).toBe(true);
      expect((await read(accessManagerSource, managerSource(), holder, before)).holds).toBe(false);

      const unmapped = await manage("grantRole", 8n, holder);
      expect(await touchedBy(accessManagerSource, managerSource(), unmapped)).toEqual([undefined]);
    });

    it("P2 AccessManager grant delay: not a member before since, a member after", async () => {
      // A new grant delay itself takes effect only after the manager's minimum setback.
      await send(
        chain.wallet(ADMIN).writeContract({
          address: demo.manager,
          abi: devAccessManagerAbi,
          functionName: "setGrantDelay",
          args: [9n, 3600],
        }),
      );
      await passTime(FIVE_DAYS + 1);
      const granted = await manage("grantRole", 9n, late);
      expect(await read(accessManagerSource, managerSource(), late, blockOf(granted))).toEqual({
        holds: false,
        scopes: [],
        roles: [],
      });
      expect(await touchedBy(accessManagerSource, managerSource(), granted)).toEqual([{ accounts: [late] }]);

      await passTime(3600);
      const after = await latest();
      // The grant becomes effective without any event of the manager.
      const silent = await chain.publicClient.getLogs({
        address: demo.manager,
        fromBlock: granted.blockNumber + 1n,
        toBlock: after.number,
      });
      expect(silent).toEqual([]);
      expect(await read(accessManagerSource, managerSource(), late, after)).toEqual({
        holds: true,
        scopes: ["positions:read"],
        roles: [{ id: toHex(9n, { size: 32 }), name: "9", scopes: ["positions:read"] }],
      });
    });
  });

  describe("erc20", () => {
    const transfer = (from: number, to: Address, tokens: string) =>
      send(
        chain.wallet(from).writeContract({
          address: demo.token,
          abi: erc20Abi,
          functionName: "transfer",
          args: [to, parseUnits(tokens, 18)],
        }),
      );
    const delegate = (from: number, delegatee: Address) =>
      send(
        chain.wallet(from).writeContract({
          address: demo.token,
          abi: sigilVotesTokenAbi,
          functionName: "delegate",
          args: [delegatee],
        }),
      );

    it("a balance at the threshold holds, one below does not, and pinned reads answer as of their block", async () => {
      const before = await latest();
      const received = await transfer(ADMIN, holder, "150");
      expect(await read(erc20Source, tokenSource(), holder, blockOf(received))).toEqual({
        holds: true,
        scopes: [],
      });
      expect(await touchedBy(erc20Source, tokenSource(), received)).toEqual([{ accounts: [admin, holder] }]);

      const spent = await transfer(HOLDER, other, "60");
      expect((await read(erc20Source, tokenSource(), holder, blockOf(spent))).holds).toBe(false);
      expect(await touchedBy(erc20Source, tokenSource(), spent)).toEqual([{ accounts: [holder, other] }]);
      expect((await read(erc20Source, tokenSource({ threshold: "90" }), holder, blockOf(spent))).holds).toBe(
        true,
      );
      expect((await read(erc20Source, tokenSource(), holder, blockOf(received))).holds).toBe(true);
      expect((await read(erc20Source, tokenSource(), holder, before)).holds).toBe(false);
    });

    it("scales a fractional threshold by decimals() and refuses one finer than the token, naming the source", async () => {
      const block = await latest();
      const smallest = tokenSource({ threshold: "0.000000000000000001" });
      expect((await read(erc20Source, smallest, other, block)).holds).toBe(true);
      expect((await read(erc20Source, tokenSource({ threshold: "60.5" }), other, block)).holds).toBe(false);
      const tooFine = read(erc20Source, tokenSource({ threshold: "0.0000000000000000001" }), other, block);
      await expect(tooFine).rejects.toMatchObject({
        code: "config_invalid",
        details: { key: "threshold", source: "token", decimals: 18 },
      });
    });

    it("votes: delegated power at the threshold holds, undelegated does not; DelegateVotesChanged touches the delegate", async () => {
      const votes = tokenSource({ id: "votes", measure: "votes", threshold: "50" });
      await transfer(ADMIN, late, "80");
      expect((await read(erc20Source, votes, late, await latest())).holds).toBe(false);

      const delegated = await delegate(2, late);
      expect(await read(erc20Source, votes, late, blockOf(delegated))).toEqual({ holds: true, scopes: [] });
      // DelegateChanged is not followed; DelegateVotesChanged touches the delegate.
      expect(await touchedBy(erc20Source, votes, delegated)).toEqual([undefined, { accounts: [late] }]);

      const undelegated = await delegate(2, zeroAddress);
      expect((await read(erc20Source, votes, late, blockOf(undelegated))).holds).toBe(false);
      expect(await touchedBy(erc20Source, votes, undelegated)).toEqual([undefined, { accounts: [late] }]);
      expect((await read(erc20Source, votes, late, blockOf(delegated))).holds).toBe(true);
    });

    it("touched(): an ERC-20 and an ERC-721 Transfer side by side, each decoded only by its own kind", async () => {
      const erc20Log = (await logsOf(await transfer(ADMIN, other, "1")))[0]!;
      const mint = await send(
        chain
          .wallet(ADMIN)
          .writeContract({ address: demo.pass, abi: devPassAbi, functionName: "mint", args: [other] }),
      );
      const erc721Log = (await logsOf(mint))[0]!;
      expect(erc20Log.topics[0]).toBe(erc721Log.topics[0]);

      expect(erc20Source.touched({ source: tokenSource(), log: erc20Log })).toEqual({
        accounts: [admin, other],
      });
      expect(erc721Source.touched({ source: passSource(), log: erc721Log })).toEqual({ accounts: [other] });
      // Same topic, other shape: undefined even when the source is configured at the other contract.
      expect(
        erc20Source.touched({ source: tokenSource({ address: demo.pass }), log: erc721Log }),
      ).toBeUndefined();
      expect(
        erc721Source.touched({ source: passSource({ address: demo.token }), log: erc20Log }),
      ).toBeUndefined();
      expect(erc20Source.touched({ source: tokenSource(), log: erc721Log })).toBeUndefined();
      expect(erc721Source.touched({ source: passSource(), log: erc20Log })).toBeUndefined();
    });
  });

  describe("erc721", () => {
    it("holding a pass holds, transferring it away does not, and pinned reads answer as of their block", async () => {
      const before = await latest();
      const tokenId = await chain.publicClient.readContract({
        address: demo.pass,
        abi: devPassAbi,
        functionName: "nextTokenId",
      });
      const minted = await send(
        chain
          .wallet(ADMIN)
          .writeContract({ address: demo.pass, abi: devPassAbi, functionName: "mint", args: [holder] }),
      );
      expect(await read(erc721Source, passSource(), holder, blockOf(minted))).toEqual({
        holds: true,
        scopes: [],
      });
      expect((await read(erc721Source, passSource({ min: 2 }), holder, blockOf(minted))).holds).toBe(false);
      expect(await touchedBy(erc721Source, passSource(), minted)).toEqual([{ accounts: [holder] }]);

      const moved = await send(
        chain.wallet(HOLDER).writeContract({
          address: demo.pass,
          abi: devPassAbi,
          functionName: "transferFrom",
          args: [holder, other, tokenId],
        }),
      );
      expect((await read(erc721Source, passSource(), holder, blockOf(moved))).holds).toBe(false);
      // The approval cleared by the transfer emits nothing in OZ 5; the one log is the Transfer.
      expect(await touchedBy(erc721Source, passSource(), moved)).toEqual([{ accounts: [holder, other] }]);
      expect((await read(erc721Source, passSource(), holder, blockOf(minted))).holds).toBe(true);
      expect((await read(erc721Source, passSource(), holder, before)).holds).toBe(false);
    });
  });

  describe("erc1155", () => {
    const pass1155 = (from: number, call: { functionName: string; args: readonly unknown[] }) =>
      send(
        chain.wallet(from).writeContract({ address: demo.pass1155, abi: devPass1155Abi, ...call } as never),
      );

    it("min of the id held holds, a burn below min does not, and pinned reads answer as of their block", async () => {
      const before = await latest();
      const minted = await pass1155(ADMIN, { functionName: "mint", args: [holder, 5n, 2n] });
      expect(await read(erc1155Source, pass1155Source(), holder, blockOf(minted))).toEqual({
        holds: true,
        scopes: [],
      });
      expect(
        (await read(erc1155Source, pass1155Source({ tokenId: "6" }), holder, blockOf(minted))).holds,
      ).toBe(false);
      expect(await touchedBy(erc1155Source, pass1155Source(), minted)).toEqual([{ accounts: [holder] }]);

      const burned = await pass1155(HOLDER, { functionName: "burn", args: [holder, 5n, 1n] });
      expect((await read(erc1155Source, pass1155Source(), holder, blockOf(burned))).holds).toBe(false);
      expect(await touchedBy(erc1155Source, pass1155Source(), burned)).toEqual([{ accounts: [holder] }]);
      expect((await read(erc1155Source, pass1155Source(), holder, blockOf(minted))).holds).toBe(true);
      expect((await read(erc1155Source, pass1155Source(), holder, before)).holds).toBe(false);
    });

    it("a transfer away loses it; TransferSingle and TransferBatch touch both sides only when they move the id", async () => {
      const refilled = await pass1155(ADMIN, {
        functionName: "mintBatch",
        args: [holder, [5n, 6n], [1n, 1n]],
      });
      expect((await read(erc1155Source, pass1155Source(), holder, blockOf(refilled))).holds).toBe(true);
      expect(await touchedBy(erc1155Source, pass1155Source(), refilled)).toEqual([{ accounts: [holder] }]);

      const moved = await pass1155(HOLDER, {
        functionName: "safeTransferFrom",
        args: [holder, other, 5n, 1n, "0x"],
      });
      expect((await read(erc1155Source, pass1155Source(), holder, blockOf(moved))).holds).toBe(false);
      expect(await touchedBy(erc1155Source, pass1155Source(), moved)).toEqual([
        { accounts: [holder, other] },
      ]);

      const otherIds = await pass1155(ADMIN, {
        functionName: "mintBatch",
        args: [holder, [6n, 7n], [1n, 1n]],
      });
      expect(await touchedBy(erc1155Source, pass1155Source(), otherIds)).toEqual([undefined]);
      const otherId = await pass1155(ADMIN, { functionName: "mint", args: [holder, 6n, 1n] });
      expect(await touchedBy(erc1155Source, pass1155Source(), otherId)).toEqual([undefined]);
    });
  });

  describe("check() and read failures", () => {
    it("passes for each adapter on a contract of its kind", async () => {
      await accessControlSource.check({ chain: client, source: vaultSource() });
      await accessManagerSource.check({ chain: client, source: managerSource() });
      await erc20Source.check({ chain: client, source: tokenSource() });
      await erc20Source.check({ chain: client, source: tokenSource({ measure: "votes" }) });
      await erc721Source.check({ chain: client, source: passSource() });
      await erc1155Source.check({ chain: client, source: pass1155Source() });
    });

    it("refuses a contract of the wrong kind with policy_source_unavailable naming the source", async () => {
      const refusals = [
        erc721Source.check({ chain: client, source: passSource({ address: demo.token }) }),
        erc1155Source.check({ chain: client, source: pass1155Source({ address: demo.pass }) }),
        erc20Source.check({ chain: client, source: tokenSource({ address: demo.pass }) }),
        accessControlSource.check({ chain: client, source: { ...vaultSource(), address: demo.manager } }),
        accessManagerSource.check({ chain: client, source: { ...managerSource(), address: demo.vault } }),
      ];
      for (const refusal of refusals) {
        const error = await refusal.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PolicySourceUnavailableError);
        expect(error).toMatchObject({ code: "policy_source_unavailable", details: { chainId: 31337 } });
      }
      await expect(
        erc721Source.check({ chain: client, source: passSource({ address: demo.token }) }),
      ).rejects.toMatchObject({ details: { source: "pass", address: demo.token } });
    });

    it("refuses an address with no code, for every kind", async () => {
      const checks = [
        accessControlSource.check({ chain: client, source: { ...vaultSource(), address: other } }),
        accessManagerSource.check({ chain: client, source: { ...managerSource(), address: other } }),
        erc20Source.check({ chain: client, source: tokenSource({ address: other }) }),
        erc721Source.check({ chain: client, source: passSource({ address: other }) }),
        erc1155Source.check({ chain: client, source: pass1155Source({ address: other }) }),
      ];
      for (const check of checks) {
        const error = await check.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PolicySourceUnavailableError);
        expect((error as Error).message).toMatch(/has no code/);
      }
    });

    it("a read of a contract that cannot answer fails with policy_source_unavailable, never 'does not hold'", async () => {
      const block = await latest();
      await expect(read(erc721Source, passSource({ address: other }), holder, block)).rejects.toMatchObject({
        code: "policy_source_unavailable",
        details: { source: "pass", address: other },
      });
      await expect(
        read(erc20Source, tokenSource({ address: demo.pass }), holder, block),
      ).rejects.toBeInstanceOf(PolicySourceUnavailableError);
    });

    it("a read through a dead RPC fails with rpc_unavailable", async () => {
      const dead = new ChainClient(config({ rpcUrls: ["http://127.0.0.1:9"] }));
      await expect(
        read(accessControlSource, vaultSource(), holder, await latest(), dead),
      ).rejects.toBeInstanceOf(RpcUnavailableError);
    });
  });
});

async function passTime(seconds: number): Promise<void> {
  await hre.network.provider.request({ method: "evm_increaseTime", params: [seconds] });
  await hre.network.provider.request({ method: "evm_mine", params: [] });
}

/** An HTTP proxy in front of the chain recording each request's JSON-RPC call count and eth_call block. */
async function countingProxy(target: string) {
  const callsPerRequest: number[] = [];
  const blockParams: unknown[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const calls = [JSON.parse(body) as { method: string; params?: unknown[] }].flat();
    callsPerRequest.push(calls.length);
    for (const call of calls) if (call.method === "eth_call") blockParams.push(call.params?.[1]);
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
    blockParams,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
