// A second, independent Hardhat network (its own chain id and state) in this test process, served
// over real HTTP JSON-RPC, for checks that need two chains (D9).
import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names.js";
import { createProvider } from "hardhat/internal/core/providers/construction.js";
import type { HardhatConfig } from "hardhat/types/index.js";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Account,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { devAccount } from "@sigil/chain/dev";

interface JsonRpcServer {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

/** Another local chain, with the same dev accounts as the main one but its own id and state. */
export interface SecondChain {
  chainId: number;
  url: string;
  publicClient: PublicClient;
  wallet(index: number): WalletClient<Transport, Chain, Account>;
  stop(): Promise<void>;
}

/** Starts a fresh Hardhat network with `chainId` (not the worker's `hre.network`) on 127.0.0.1. */
export async function startSecondChain(chainId: number): Promise<SecondChain> {
  const config: HardhatConfig = {
    ...hre.config,
    networks: { ...hre.config.networks, hardhat: { ...hre.config.networks.hardhat, chainId } },
  };
  const provider = await createProvider(config, "hardhat", hre.artifacts);
  const server = (await hre.run(TASK_NODE_CREATE_SERVER, {
    hostname: "127.0.0.1",
    port: 0,
    provider,
  })) as JsonRpcServer;
  const { port } = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  const chain = defineChain({
    id: chainId,
    name: `local ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  const transport = http(url, { retryCount: 2, retryDelay: 50 });
  return {
    chainId,
    url,
    publicClient: createPublicClient({ chain, transport }) as PublicClient,
    wallet: (index) => createWalletClient({ account: devAccount(index), chain, transport }),
    stop: () => server.close(),
  };
}
