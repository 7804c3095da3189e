import { type ChainConfig } from "@sigil/chain";
import { DEV_CHAIN_ID } from "@sigil/chain/dev";
import { loadConfig, loadPolicyFile } from "@sigil/config";
import { type Policy, registryPolicy } from "@sigil/core";
import path from "node:path";
import { readDeployment } from "../dev/ensure-dev-contracts.js";
import { repoRoot } from "../dev/repo-root.js";

/** The chains and policy an operator command works on. */
export interface CliChains {
  chains: ChainConfig[];
  policy: Policy;
}

/**
 * The configured chains (SIGIL_CHAINS) and policy (SIGIL_POLICY, else each chain's registry), validated
 * as the service does at boot; without SIGIL_CHAINS, the dev chain that `npm start` deployed.
 * Throws `config_invalid` listing every problem of a bad policy file.
 */
export async function cliChains(env: NodeJS.ProcessEnv): Promise<CliChains> {
  if (env.SIGIL_CHAINS) {
    const config = loadConfig(env);
    return { chains: config.chains, policy: config.policy };
  }
  const dataDir = path.resolve(env.SIGIL_DATA_DIR ?? path.join(repoRoot(), ".data"));
  const deployment = await readDeployment(path.join(dataDir, "dev-chain.json"));
  if (!deployment) throw new Error("no chain: set SIGIL_CHAINS, or start dev mode (npm start) first");
  const chains: ChainConfig[] = [
    {
      chainId: DEV_CHAIN_ID,
      name: "dev",
      rpcUrls: [`http://127.0.0.1:${env.SIGIL_DEV_CHAIN_PORT ?? 8545}`],
      registry: deployment.registry,
      timeoutMs: 5_000,
    },
  ];
  const policy = env.SIGIL_POLICY
    ? loadPolicyFile({ path: env.SIGIL_POLICY, chainIds: [DEV_CHAIN_ID] })
    : registryPolicy(chains);
  return { chains, policy };
}
