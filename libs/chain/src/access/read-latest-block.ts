import type { BlockRef } from "@sigil/core";
import type { ChainClient } from "../clients/chain-client.js";
import { toChainError } from "../errors/to-chain-error.js";

/** The latest block of a chain (number and hash), after confirming the RPC serves that chain. */
export async function readLatestBlock(chain: ChainClient): Promise<Omit<BlockRef, "chainId">> {
  try {
    await chain.verifyChainId();
    const block = await chain.client.getBlock({ blockTag: "latest" });
    return { number: block.number, hash: block.hash };
  } catch (error) {
    throw toChainError({
      error,
      chainId: chain.chainId,
      action: "reading the latest block",
      registry: chain.config.registry,
    });
  }
}
