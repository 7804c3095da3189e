import { ChainClient, readLatestBlock, readPolicy, type SourceReadOutcome } from "@sigil/chain";
import { deployPolicyDemoOz, devAccount, devPassAbi, type PolicyDemoOz } from "@sigil/chain/dev";
import type { NamedPolicySource, Policy, WalletKind } from "@sigil/core";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { zeroAddress } from "viem";
import { type LocalChain, startLocalChain } from "../fixtures/local-chain.js";

const HOLDER = devAccount(1).address;

/** A port nothing listens on: chain 31338's RPC is down for the whole suite. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("readPolicy with another chain down", () => {
  let chain: LocalChain;
  let demo: PolicyDemoOz;
  let clients: Map<number, ChainClient>;
  let policy: Policy;

  beforeAll(async () => {
    chain = await startLocalChain();
    demo = await deployPolicyDemoOz({ publicClient: chain.publicClient, walletClient: chain.wallet(0) });
    const hash = await chain
      .wallet(0)
      .writeContract({ address: demo.pass, abi: devPassAbi, functionName: "mint", args: [HOLDER] });
    await chain.publicClient.waitForTransactionReceipt({ hash });
    const config = { name: "chain", registry: zeroAddress, timeoutMs: 1_000 };
    clients = new Map([
      [31337, new ChainClient({ ...config, chainId: 31337, rpcUrls: [chain.url] })],
      [
        31338,
        new ChainClient({ ...config, chainId: 31338, rpcUrls: [`http://127.0.0.1:${await closedPort()}`] }),
      ],
    ]);
    const source = (id: string, chainId: number, reach: NamedPolicySource["reach"]): NamedPolicySource => ({
      id,
      kind: "erc721",
      chain: chainId,
      address: demo.pass,
      min: 1,
      reach,
    });
    policy = {
      sources: {
        here: source("here", 31337, "eoa-anywhere"),
        "there-any-wallet": source("there-any-wallet", 31338, "any-wallet"),
        "there-eoa": source("there-eoa", 31338, "eoa-anywhere"),
      },
      rules: [
        { id: "here", scopes: ["positions:read"], when: ["here"] },
        { id: "there-any-wallet", scopes: ["orders:write"], when: ["there-any-wallet"] },
        { id: "there-eoa", scopes: ["orders:read"], when: ["there-eoa"] },
      ],
    };
  });
  afterAll(async () => {
    await chain?.stop();
  });

  const read = async (walletKind: WalletKind) => {
    const observed: Record<string, SourceReadOutcome> = {};
    const reading = await readPolicy({
      policy,
      account: HOLDER,
      signInChainId: 31337,
      walletKind,
      chain: (id) => clients.get(id)!,
      blockOf: readLatestBlock,
      now: new Date(),
      observe: (source, outcome) => (observed[source.id] = outcome),
    });
    return { reading, observed };
  };

  it("P5 an EOA: both sources on the down chain are unavailable; the sign-in chain's source answers", async () => {
    const { reading, observed } = await read("eoa");
    expect(reading.evaluation.scopes).toEqual(["positions:read"]);
    expect(observed).toEqual({
      here: "holds",
      "there-any-wallet": "unavailable",
      "there-eoa": "unavailable",
    });
    expect(reading.readings["there-eoa"]).toMatchObject({ applies: false, unavailable: true });
    expect([...reading.blocks.keys()]).toEqual([31337]);
  });

  it("P3 a contract wallet: a cross-chain source that does not apply is not reported unavailable, nor read", async () => {
    const { reading, observed } = await read("eip1271");
    expect(reading.evaluation.scopes).toEqual(["positions:read"]);
    expect(observed).toEqual({ here: "holds", "there-any-wallet": "unavailable" });
    expect(reading.readings["there-any-wallet"]).toMatchObject({ applies: false, unavailable: true });
    expect(reading.readings["there-eoa"]!.applies).toBe(false);
    expect(reading.readings["there-eoa"]!.unavailable).toBeUndefined();
  });
});
