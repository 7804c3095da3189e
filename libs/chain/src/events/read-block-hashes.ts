import type { BlockRef } from "@sigil/core";
import type { ChainClient } from "../clients/chain-client.js";
import { toChainError } from "../errors/to-chain-error.js";

/** A block's place in the chain: enough to notice that it no longer extends the one before. */
export interface BlockLink extends BlockRef {
  parentHash: `0x${string}`;
}

/** The canonical blocks of these numbers (one JSON-RPC batch); a block not mined (any more) is omitted. */
export async function readBlockLinks(chain: ChainClient, numbers: readonly bigint[]): Promise<BlockLink[]> {
  try {
    const blocks = await Promise.all(
      numbers.map((blockNumber) => chain.client.getBlock({ blockNumber }).catch(notFound)),
    );
    return blocks.flatMap((block) =>
      block
        ? [{ chainId: chain.chainId, number: block.number, hash: block.hash, parentHash: block.parentHash }]
        : [],
    );
  } catch (error) {
    throw toChainError({ error, chainId: chain.chainId, action: "reading block hashes" });
  }
}

/** The number of the chain's newest block, never cached. */
export async function readHeadNumber(chain: ChainClient): Promise<bigint> {
  try {
    await chain.verifyChainId();
    return await chain.client.getBlockNumber({ cacheTime: 0 });
  } catch (error) {
    throw toChainError({ error, chainId: chain.chainId, action: "reading the head block number" });
  }
}

function notFound(error: unknown): undefined {
  if (error instanceof Error && error.name === "BlockNotFoundError") return undefined;
  throw error;
}
