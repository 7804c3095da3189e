import { Injectable } from "@nestjs/common";
import { appliesTo, type ChainClient, ChainClients, readLatestBlock, readPolicy } from "@sigil/chain";
import { AppConfig } from "@sigil/config";
import { type AccessSnapshot, type BlockRef, undecidedScopes, type WalletKind } from "@sigil/core";
import type { Address } from "viem";
import { MetricsService } from "../platform/metrics/metrics.service.js";

const MAX_CACHED_SNAPSHOTS = 10_000;

/** The latest block as read at `at`; `settled` once the read answered (for synchronous peeks). */
interface LatestBlock {
  at: number;
  block: Promise<Omit<BlockRef, "chainId">>;
  settled?: Omit<BlockRef, "chainId">;
}

/**
 * Reads what the policy allows an account at recorded blocks, with two caches that never change an
 * answer: each chain's latest block is reused for `blockCacheMs` (the grant records which block was
 * read), and a snapshot at a given set of block hashes is immutable until its `validUntil`, so it is kept.
 */
@Injectable()
export class AccessReaderService {
  private readonly latest = new Map<number, LatestBlock>();
  private readonly snapshots = new Map<string, Promise<AccessSnapshot>>();

  constructor(
    private readonly chains: ChainClients,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** The chain client for `chainId` (throws `chain_not_configured`). */
  chain(chainId: number): ChainClient {
    return this.chains.get(chainId);
  }

  /** What the policy allows `address`, signed in on `chainId` with a wallet of `walletKind`, now. */
  async read(chainId: number, address: Address, walletKind: WalletKind): Promise<AccessSnapshot> {
    const chain = this.chains.get(chainId);
    const chainIds = this.chainsFor(chainId, walletKind);
    // The sign-in chain must answer; another chain's outage only costs its sources (readPolicy decides).
    const blocks = await Promise.all(
      chainIds.map((id) =>
        id === chainId
          ? this.latestBlock(chain)
          : this.latestBlock(this.chains.get(id)).catch((error: unknown) => ({ error })),
      ),
    );
    const down = blocks.some((block) => "error" in block);
    const key = `${chainId}:${address}:${walletKind}:${blocks.map((block) => ("error" in block ? "down" : block.hash)).join(",")}`;
    const cached = down ? undefined : this.snapshots.get(key);
    if (cached && !(await lapsed(cached))) return cached;
    if (this.snapshots.size >= MAX_CACHED_SNAPSHOTS) this.snapshots.clear();
    const byChain = new Map(chainIds.map((id, i) => [id, blocks[i]!]));
    const snapshot = this.readAt({
      chainId,
      address,
      walletKind,
      blockOf: async (c) => {
        const block = byChain.get(c.chainId)!;
        if ("error" in block) throw block.error;
        return block;
      },
    });
    if (down) return snapshot;
    this.snapshots.set(key, snapshot);
    snapshot.catch(() => this.snapshots.delete(key));
    return snapshot;
  }

  /**
   * Reads without the snapshot cache; `blockOf` picks each chain's block, else `pinned`'s chain is read
   * at it (the follower's batch) and others at their latest. Sources on a chain that does not answer count as not holding.
   */
  async readAt(p: {
    chainId: number;
    address: Address;
    walletKind: WalletKind;
    pinned?: BlockRef;
    blockOf?: (chain: ChainClient) => Promise<Omit<BlockRef, "chainId">>;
  }): Promise<AccessSnapshot> {
    const now = new Date();
    const { evaluation, blocks, readings } = await readPolicy({
      policy: this.config.policy,
      account: p.address,
      signInChainId: p.chainId,
      walletKind: p.walletKind,
      chain: (id) => this.chains.get(id),
      blockOf:
        p.blockOf ??
        ((chain) =>
          p.pinned?.chainId === chain.chainId
            ? Promise.resolve({ number: p.pinned.number, hash: p.pinned.hash })
            : this.latestBlock(chain)),
      now,
      observe: (source, outcome) => this.metrics.policySourceReads.inc({ source: source.id, outcome }),
    });
    const unavailable = Object.values(readings).flatMap((reading) =>
      reading.unavailable ? [reading.source] : [],
    );
    const undecided = undecidedScopes({ policy: this.config.policy, readings });
    return {
      address: p.address,
      roles: evaluation.roles,
      scopes: evaluation.scopes,
      block: blocks.get(p.chainId)!,
      provenance: evaluation.provenance,
      ...(evaluation.validUntil ? { validUntil: evaluation.validUntil } : {}),
      ...(unavailable.length > 0 ? { unavailable } : {}),
      ...(undecided ? { undecided } : {}),
    };
  }

  /**
   * What {@link read} would answer now if it needs no RPC call (every latest block and the snapshot
   * at them are cached), else undefined: lets a sign-in skip work only when it is free.
   */
  cached(chainId: number, address: Address, walletKind: WalletKind): Promise<AccessSnapshot> | undefined {
    const hashes: string[] = [];
    for (const id of this.chainsFor(chainId, walletKind)) {
      const latest = this.latest.get(id);
      if (!latest?.settled || Date.now() - latest.at >= this.config.blockCacheMs) return undefined;
      hashes.push(latest.settled.hash);
    }
    return this.snapshots.get(`${chainId}:${address}:${walletKind}:${hashes.join(",")}`);
  }

  /** The chains a sign-in's sources are on, the sign-in chain first. */
  private chainsFor(chainId: number, walletKind: WalletKind): number[] {
    const ids = new Set([chainId]);
    for (const source of Object.values(this.config.policy.sources)) {
      if (appliesTo(source, { signInChainId: chainId, walletKind })) ids.add(source.chain);
    }
    return [...ids];
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

async function lapsed(snapshot: Promise<AccessSnapshot>): Promise<boolean> {
  const { validUntil } = await snapshot.catch(() => ({ validUntil: undefined }));
  return validUntil !== undefined && validUntil.getTime() <= Date.now();
}
