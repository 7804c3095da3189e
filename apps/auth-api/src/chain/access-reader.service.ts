import { Injectable } from "@nestjs/common";
import { type ChainClient, ChainClients, readAccess, readLatestBlock } from "@sigil/chain";
import type { AccessSnapshot, BlockRef } from "@sigil/core";
import type { Address } from "viem";
import { AppConfig } from "@sigil/config";

const MAX_CACHED_SNAPSHOTS = 10_000;

/** The latest block as read at `at`; `settled` once the read answered (for synchronous peeks). */
interface LatestBlock {
  at: number;
  block: Promise<Omit<BlockRef, "chainId">>;
  settled?: Omit<BlockRef, "chainId">;
}

/**
 * Reads roles at a recorded block, with two caches that never change an answer: the latest block
 * is reused for `blockCacheMs` (the grant records which block was read), and a snapshot at a given
 * block hash is immutable, so it is kept.
 */
@Injectable()
export class AccessReaderService {
  private readonly latest = new Map<number, LatestBlock>();
  private readonly snapshots = new Map<string, Promise<AccessSnapshot>>();

  constructor(
    private readonly chains: ChainClients,
    private readonly config: AppConfig,
  ) {}

  /** The chain client for `chainId` (throws `chain_not_configured`). */
  chain(chainId: number): ChainClient {
    return this.chains.get(chainId);
  }

  async read(chainId: number, address: Address): Promise<AccessSnapshot> {
    const chain = this.chains.get(chainId);
    const block = await this.latestBlock(chain);
    const key = `${chainId}:${address}:${block.hash}`;
    let snapshot = this.snapshots.get(key);
    if (!snapshot) {
      if (this.snapshots.size >= MAX_CACHED_SNAPSHOTS) this.snapshots.clear();
      snapshot = readAccess({ chain, address, at: block });
      this.snapshots.set(key, snapshot);
      snapshot.catch(() => this.snapshots.delete(key));
    }
    return snapshot;
  }

  /**
   * What {@link read} would answer now if it needs no RPC call (the latest block and the snapshot
   * at it are both cached), else undefined: lets a sign-in skip work only when it is free.
   */
  cached(chainId: number, address: Address): Promise<AccessSnapshot> | undefined {
    const latest = this.latest.get(chainId);
    if (!latest || Date.now() - latest.at >= this.config.blockCacheMs) return undefined;
    return latest.settled && this.snapshots.get(`${chainId}:${address}:${latest.settled.hash}`);
  }

  private latestBlock(chain: ChainClient): Promise<Omit<BlockRef, "chainId">> {
    const now = Date.now();
    const cached = this.latest.get(chain.chainId);
    if (cached && now - cached.at < this.config.blockCacheMs) return cached.block;
    const block = readLatestBlock(chain);
    const entry: LatestBlock = { at: now, block };
    this.latest.set(chain.chainId, entry);
    void block.then(
      (value) => (entry.settled = value),
      () => this.latest.delete(chain.chainId),
    );
    return block;
  }
}
