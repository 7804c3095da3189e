import { RegistryUnavailableError } from "@sigil/core";
import type { ChainClient } from "../clients/chain-client.js";
import { toChainError } from "../errors/to-chain-error.js";

/** What a healthy chain looks like from Sigil. */
export interface ChainStatus {
  chainId: number;
  name: string;
  blockNumber: bigint;
  blockHash: `0x${string}`;
  registry: `0x${string}`;
}

/**
 * Checks that a chain answers with the configured chain id and that its registry has code.
 * Throws `rpc_unavailable`, `chain_id_mismatch` or `registry_unavailable`.
 */
export async function checkChain(chain: ChainClient): Promise<ChainStatus> {
  const { registry, name } = chain.config;
  try {
    await chain.verifyChainId();
    const block = await chain.client.getBlock({ blockTag: "latest" });
    const code = await chain.client.getCode({ address: registry, blockNumber: block.number });
    if (code === undefined || code === "0x") {
      throw new RegistryUnavailableError(`chain ${chain.chainId}: no contract at registry ${registry}`, {
        details: { chainId: chain.chainId, registry },
      });
    }
    return { chainId: chain.chainId, name, blockNumber: block.number, blockHash: block.hash, registry };
  } catch (error) {
    throw toChainError({ error, chainId: chain.chainId, action: "checking health", registry });
  }
}
