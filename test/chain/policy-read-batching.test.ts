import type { INestApplication } from "@nestjs/common";
import { ChainClient, erc721Source, PinnedReads, readLatestBlock } from "@sigil/chain";
import {
  deployAccessStack,
  deployPolicyDemoExternal,
  deployPolicyDemoOz,
  devAccount,
  installMulticall3,
  MULTICALL3_ADDRESS,
  type PolicyDemoExternal,
  type PolicyDemoOz,
} from "@sigil/chain/dev";
import { type Address, isAddressEqual, zeroAddress, keccak256, stringToBytes } from "viem";
import { type JsonRpcRequest, type RpcProxy, startRpcProxy } from "../fixtures/rpc-proxy.js";
import { type SecondChain, startSecondChain } from "../fixtures/second-chain.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { registryAdmin } from "../role-sync/support/registry-admin.js";

const CHAIN_A = 31337;
const CHAIN_B = 31338;
const ADMIN = 0;
const ATTESTER = 4;
const HOLDER = 9;
const TRADER_ROLE = keccak256(stringToBytes("TRADER_ROLE"));
const address = (index: number): Address => devAccount(index).address;

/** Every source kind on one chain (the registry only where the stack is the sign-in chain's). */
function sourcesOn(p: { chain: number; oz: PolicyDemoOz; external: PolicyDemoExternal; registry?: Address }) {
  const at = { chain: p.chain };
  const key = (id: string) => `${id}${p.chain}`;
  return {
    ...(p.registry ? { [key("registry")]: { ...at, kind: "sigil-registry", address: p.registry } } : {}),
    [key("vault")]: {
      ...at,
      kind: "access-control",
      address: p.oz.vault,
      roles: { [TRADER_ROLE]: ["orders:write"] },
    },
    [key("manager")]: {
      ...at,
      kind: "access-manager",
      address: p.oz.manager,
      roles: { "7": ["orders:write"] },
    },
    [key("token")]: { ...at, kind: "erc20", address: p.oz.token, measure: "balance", threshold: "100" },
    [key("votes")]: { ...at, kind: "erc20", address: p.oz.token, measure: "votes", threshold: "1" },
    [key("pass")]: { ...at, kind: "erc721", address: p.oz.pass },
    [key("pass1155")]: { ...at, kind: "erc1155", address: p.oz.pass1155, tokenId: "5", min: 2 },
    [key("kyc")]: {
      ...at,
      kind: "eas",
      address: p.external.eas,
      schema: p.external.kycSchema,
      attesters: [address(ATTESTER)],
      fromBlock: Number(p.external.deployedAtBlock),
    },
    [key("safe")]: { ...at, kind: "safe", address: p.external.safe },
  };
}

/** The sources that confer nothing themselves, each behind a rule of its own. */
const FACTS = ["token", "votes", "pass", "pass1155", "kyc", "safe"];

/**
 * How a sign-in reads its chains (P9): after the pinned block, the reads of each chain go out as
 * one HTTP request, its eth_calls as one JSON-RPC batch or, with `multicall3` set, as one
 * `aggregate3` eth_call at the block hash. Only reads that depend on an answer take a second round:
 * the names and scopes of the registry roles held, and the EAS attestations the logs name.
 */
describe("policy reads of a sign-in are batched per chain", () => {
  let sigil: SigilTestEnvironment;
  let chainB: SecondChain;
  let ozA: PolicyDemoOz;
  let ozB: PolicyDemoOz;
  let externalA: PolicyDemoExternal;
  let externalB: PolicyDemoExternal;
  let proxyA: RpcProxy;
  let proxyB: RpcProxy;
  let plain: INestApplication;
  let multicall: INestApplication;

  beforeAll(async () => {
    chainB = await startSecondChain(CHAIN_B);
    const clientsB = { publicClient: chainB.publicClient, walletClient: chainB.wallet(ADMIN) };
    const stackB = await deployAccessStack({ ...clientsB, governance: false });
    ozB = await deployPolicyDemoOz({ ...clientsB, seed: { passHolder: address(HOLDER) } });
    externalB = await deployPolicyDemoExternal({ ...clientsB, safeOwners: [address(HOLDER)] });
    const chainBEntry = {
      chainId: CHAIN_B,
      name: "second",
      rpcUrls: [chainB.url],
      registry: stackB.registry,
      timeoutMs: 2000,
    };
    sigil = await startSigil(
      {},
      {
        moreChains: [chainBEntry],
        policy: async ({ chain, stack }) => {
          const clients = { publicClient: chain.publicClient, walletClient: chain.wallet(ADMIN) };
          ozA = await deployPolicyDemoOz({ ...clients, seed: { passHolder: address(HOLDER) } });
          externalA = await deployPolicyDemoExternal({
            ...clients,
            safeOwners: [address(ADMIN)],
            kyc: { attester: chain.wallet(ATTESTER), recipients: [address(HOLDER)] },
          });
          const sources = {
            ...sourcesOn({ chain: CHAIN_A, oz: ozA, external: externalA, registry: stack.registry }),
            ...sourcesOn({ chain: CHAIN_B, oz: ozB, external: externalB }),
          };
          return {
            sources,
            rules: [
              { id: "registry", scopesFrom: `registry${CHAIN_A}` },
              ...[CHAIN_A, CHAIN_B].flatMap((chainId) => [
                { id: `vault${chainId}`, scopesFrom: `vault${chainId}` },
                { id: `manager${chainId}`, scopesFrom: `manager${chainId}` },
                ...FACTS.map((fact) => ({
                  id: `${fact}${chainId}`,
                  scopes: [`${fact}${chainId}:read`],
                  when: [`${fact}${chainId}`],
                })),
              ]),
            ],
          };
        },
      },
    );
    await registryAdmin(sigil.chain, sigil.stack.registry).grantRole("VIEWER", address(HOLDER));
    await installMulticall3({ client: sigil.chain.publicClient });
    await installMulticall3({ client: chainB.publicClient });
    proxyA = await startRpcProxy(sigil.chain.url);
    proxyB = await startRpcProxy(chainB.url);
    const chains = (multicall3?: Address) =>
      JSON.stringify([
        {
          chainId: CHAIN_A,
          name: "local",
          rpcUrls: [proxyA.url],
          registry: sigil.stack.registry,
          timeoutMs: 2000,
          ...(multicall3 ? { multicall3 } : {}),
        },
        { ...chainBEntry, rpcUrls: [proxyB.url], ...(multicall3 ? { multicall3 } : {}) },
      ]);
    plain = await sigil.createInstance({ SIGIL_CHAINS: chains() });
    multicall = await sigil.createInstance({ SIGIL_CHAINS: chains(MULTICALL3_ADDRESS) });
  });

  afterAll(async () => {
    await sigil?.close();
    await proxyA?.close();
    await proxyB?.close();
    await chainB?.stop();
  });

  /** Signs the holder in on `app` once to warm up, then again; returns the scopes and what each chain received. */
  const measuredSignIn = async (app: INestApplication) => {
    const warm = await signIn({ app, account: devAccount(HOLDER) });
    expect(warm.status).toBe(200);
    // A new block on each chain: the reading cached for the old ones no longer answers.
    await sigil.chain.publicClient.request({ method: "evm_mine" } as never);
    await chainB.publicClient.request({ method: "evm_mine" } as never);
    for (const proxy of [proxyA, proxyB]) proxy.requests.length = 0;
    const response = await signIn({ app, account: devAccount(HOLDER) });
    expect(response.status).toBe(200);
    return {
      scope: (response.body as { scope: string }).scope.split(" ").sort(),
      a: proxyA.requests.map(describe),
      b: proxyB.requests.map(describe),
      calls: { a: proxyA.requests.flat(), b: proxyB.requests.flat() },
    };
  };

  /** One HTTP request as its JSON-RPC methods, an eth_call named by its target when it is Multicall3. */
  const describe = (request: JsonRpcRequest[]): string[] =>
    request
      .map((call) => {
        if (call.method !== "eth_call") return call.method;
        const target = (call.params?.[0] as { to: Address }).to;
        return isAddressEqual(target, MULTICALL3_ADDRESS) ? "eth_call:aggregate3" : "eth_call";
      })
      .sort();

  /** Every eth_call names its chain's head (nothing was mined since the sign-in) by hash, canonical. */
  const expectPinned = async (calls: { a: JsonRpcRequest[]; b: JsonRpcRequest[] }) => {
    const heads = [await sigil.chain.publicClient.getBlock(), await chainB.publicClient.getBlock()];
    [calls.a, calls.b].forEach((received, i) => {
      for (const call of received.filter((c) => c.method === "eth_call")) {
        expect(call.params?.[1]).toEqual({ blockHash: heads[i]!.hash, requireCanonical: true });
      }
    });
  };

  const ethCalls = (count: number) => Array.from({ length: count }, () => "eth_call");

  it("P9 without multicall3, each chain gets the pinned block, one batch of every read, and one batch of the dependent reads (registry roles, EAS candidates)", async () => {
    const { scope, a, b, calls } = await measuredSignIn(plain);
    expect(scope).toEqual(
      ["positions:read", "kyc31337:read", "pass31337:read", "safe31338:read", "pass31338:read"].sort(),
    );
    // Chain A: accessOf, 2 hasRole, decimals and balanceOf, decimals and getVotes, 3 balanceOf, isOwner.
    // Then VIEWER's name and scopes, and the one KYC attestation the logs name.
    expect(a).toEqual([
      ["eth_getBlockByNumber"],
      [...ethCalls(10), "eth_getBlockByNumber", "eth_getLogs"].sort(),
      ethCalls(3),
    ]);
    // Chain B: the same sources without the registry; its EAS logs name no candidate.
    expect(b).toEqual([
      ["eth_getBlockByNumber"],
      [...ethCalls(9), "eth_getBlockByNumber", "eth_getLogs"].sort(),
    ]);
    await expectPinned(calls);
  });

  it("P9 with multicall3, each chain's eth_calls of a round go as one aggregate3 call at the block hash, with the same scopes", async () => {
    const direct = await measuredSignIn(plain);
    const { scope, a, b, calls } = await measuredSignIn(multicall);
    expect(scope).toEqual(direct.scope);
    expect(a).toEqual([
      ["eth_getBlockByNumber"],
      ["eth_call:aggregate3", "eth_getBlockByNumber", "eth_getLogs"],
      ["eth_call:aggregate3"],
    ]);
    expect(b).toEqual([
      ["eth_getBlockByNumber"],
      ["eth_call:aggregate3", "eth_getBlockByNumber", "eth_getLogs"],
    ]);
    await expectPinned(calls);
  });

  it.each([
    ["a JSON-RPC batch", undefined],
    ["one aggregate3 call", MULTICALL3_ADDRESS],
  ])(
    "P9 read as %s, a source without code or that reverts fails with policy_source_unavailable, beside one that answers",
    async (_, multicall3) => {
      const chain = new ChainClient({
        chainId: CHAIN_A,
        name: "local",
        rpcUrls: [proxyA.url],
        registry: sigil.stack.registry,
        timeoutMs: 2000,
        ...(multicall3 ? { multicall3 } : {}),
      });
      const block = { chainId: CHAIN_A, ...(await readLatestBlock(chain)) };
      const reads = new PinnedReads(chain, block.hash);
      proxyA.requests.length = 0;
      const read = (id: string, contract: Address, account = address(HOLDER)) =>
        erc721Source.read({
          chain,
          source: { id, kind: "erc721", chain: CHAIN_A, address: contract, min: 1, reach: "eoa-anywhere" },
          account,
          block,
          now: new Date(),
          reads,
        });
      const [pass, noCode, reverts] = await Promise.allSettled([
        read("pass", ozA.pass),
        read("nocode", "0x000000000000000000000000000000000000dEaD"),
        // ERC-721 reverts balanceOf(0) with error data, which must not decode as a balance.
        read("reverts", ozA.pass, zeroAddress),
      ]);
      expect(pass).toEqual({ status: "fulfilled", value: { holds: true, scopes: [] } });
      for (const [outcome, id] of [
        [noCode, "nocode"],
        [reverts, "reverts"],
      ] as const) {
        expect(outcome.status).toBe("rejected");
        expect((outcome as PromiseRejectedResult).reason).toMatchObject({
          code: "policy_source_unavailable",
          details: { chainId: CHAIN_A, source: id },
        });
      }
      // Sent directly, the revert comes back as an RPC error, which the transport retries once.
      expect(proxyA.requests.map(describe)).toEqual(
        multicall3 ? [["eth_call:aggregate3"]] : [ethCalls(3), ["eth_call"]],
      );
    },
  );
});
