import {
  appliesTo,
  type BlockRef,
  evaluatePolicy,
  type NamedPolicySource,
  type Policy,
  type PolicyEvaluation,
  type SourceReading,
  type WalletKind,
} from "@sigil/core";
import type { Address } from "viem";
import { PinnedReads } from "../access/pinned-reads.js";
import type { ChainClient } from "../clients/chain-client.js";
import type { PolicySourceAdapter } from "./sources/policy-source-adapter.js";
import { policySourceAdapters } from "./sources/index.js";

export { appliesTo };

const ZERO_HASH = `0x${"00".repeat(32)}` as const;

export interface ReadPolicyParameters {
  policy: Policy;
  account: Address;
  /** The chain the account signed in on; sources elsewhere apply only as their `reach` allows. */
  signInChainId: number;
  walletKind: WalletKind;
  /** The client of a configured chain (throws `chain_not_configured` otherwise). */
  chain: (chainId: number) => ChainClient;
  /** The block each chain is read at (the caller caches the latest one). */
  blockOf: (chain: ChainClient) => Promise<Omit<BlockRef, "chainId">>;
  now: Date;
  /** Told of each applying source's read: its answer, an outage of its chain, or an error it threw. */
  observe?: (source: NamedPolicySource, outcome: SourceReadOutcome) => void;
}

export type SourceReadOutcome = "holds" | "not_held" | "unavailable" | "error";

export interface PolicyReading {
  readings: Record<string, SourceReading>;
  evaluation: PolicyEvaluation;
  /** The block read on each chain the policy touched, the sign-in chain always among them. */
  blocks: Map<number, BlockRef>;
}

/**
 * Reads every source that applies to this sign-in, each chain at one pinned block (its reads go
 * out together: one JSON-RPC batch per chain and round, its eth_calls one Multicall3 `aggregate3`
 * when the chain sets `multicall3`), and evaluates the policy's rules over the answers.
 * A failed read on the sign-in chain fails the call with its typed error; one on another chain
 * makes that chain's sources count as not holding (`unavailable`): their scopes fail closed.
 */
export async function readPolicy(p: ReadPolicyParameters): Promise<PolicyReading> {
  const sources = Object.values(p.policy.sources);
  const applying = sources.filter((source) => appliesTo(source, p));
  const chainIds = new Set([p.signInChainId, ...applying.map((source) => source.chain)]);
  const blocks = new Map<number, BlockRef>();
  const down = new Map<number, unknown>();
  await Promise.all(
    [...chainIds].map(async (chainId) => {
      try {
        blocks.set(chainId, { chainId, ...(await p.blockOf(p.chain(chainId))) });
      } catch (error) {
        // The sign-in chain must answer; another chain's outage costs only its own sources.
        if (chainId === p.signInChainId) throw error;
        down.set(chainId, error);
      }
    }),
  );
  // One set of reads per chain: every source's calls at its pinned block go out together.
  const reads = new Map<number, PinnedReads>();
  const readsOf = (chain: ChainClient, block: BlockRef) => {
    if (!reads.has(chain.chainId)) reads.set(chain.chainId, new PinnedReads(chain, block.hash));
    return reads.get(chain.chainId)!;
  };
  const readings: Record<string, SourceReading> = {};
  await Promise.all(
    sources.map(async (source) => {
      const block = blocks.get(source.chain) ?? { chainId: source.chain, number: 0n, hash: ZERO_HASH };
      const reading = { source: source.id, kind: source.kind, address: source.address, block };
      // Only a source that applies can be unavailable: one that does not would never be read.
      const unavailable = applying.includes(source) && down.has(source.chain);
      if (!applying.includes(source) || unavailable) {
        if (unavailable) p.observe?.(source, "unavailable");
        readings[source.id] = {
          ...reading,
          applies: false,
          answer: { holds: false, scopes: [] },
          ...(unavailable ? { unavailable: true } : {}),
        };
        return;
      }
      try {
        const chain = p.chain(source.chain);
        const answer = await adapterOf(source).read({
          chain,
          source,
          account: p.account,
          block,
          now: p.now,
          reads: readsOf(chain, block),
        });
        readings[source.id] = { ...reading, applies: true, answer };
        p.observe?.(source, answer.holds ? "holds" : "not_held");
      } catch (error) {
        p.observe?.(source, source.chain === p.signInChainId ? "error" : "unavailable");
        if (source.chain === p.signInChainId) throw error;
        readings[source.id] = {
          ...reading,
          applies: false,
          answer: { holds: false, scopes: [] },
          unavailable: true,
        };
      }
    }),
  );
  return { readings, evaluation: evaluatePolicy({ policy: p.policy, readings }), blocks };
}

/** The adapter of a source's kind. */
export function adapterOf<S extends NamedPolicySource>(source: S): PolicySourceAdapter<S> {
  return policySourceAdapters[source.kind] as unknown as PolicySourceAdapter<S>;
}
