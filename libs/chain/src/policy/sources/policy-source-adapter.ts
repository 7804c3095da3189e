import type { BlockRef, PolicySource, PolicySourceKind, SourceAnswer } from "@sigil/core";
import type { AbiEvent, Address, Log } from "viem";
import type { PinnedReads } from "../../access/pinned-reads.js";
import type { ChainClient } from "../../clients/chain-client.js";

/** What a log does to the accounts a source answers for. */
export interface TouchedAccounts {
  /** Accounts whose answer may have changed (checksummed). */
  accounts: Address[];
  /** Scopes whose every live holder must be re-read (a registry role lost a scope). */
  holdersOf?: string[];
  /** The event takes a role or an ownership away: sessions that lose a scope end instead of narrowing. */
  ends?: boolean;
}

export interface ReadSourceParameters<S extends PolicySource> {
  chain: ChainClient;
  /** The source as the policy names it (its id names it in errors). */
  source: S & { id: string };
  account: Address;
  /** Every `eth_call` is pinned to this block's hash (EIP-1898, requireCanonical). */
  block: BlockRef;
  /** The chain's reads at `block`, shared by a sign-in's sources so they go out together (default: own). */
  reads?: PinnedReads;
  /** Wall-clock time: an attestation expired by it no longer holds, even before a block says so. */
  now: Date;
}

/**
 * One kind of on-chain fact: read an account at a pinned block, name the events that can change
 * the answer, decode which accounts such an event touches, and check a contract answers the interface.
 */
export interface PolicySourceAdapter<S extends PolicySource = PolicySource> {
  kind: S["kind"] & PolicySourceKind;
  /** Fails with a typed chain error (`rpc_unavailable`, `policy_source_unavailable`), never "does not hold". */
  read(p: ReadSourceParameters<S>): Promise<SourceAnswer>;
  /** Events whose logs can change an answer (fetched with one `eth_getLogs` per chain and range). */
  events: readonly AbiEvent[];
  /** The accounts one of this source's logs touches; undefined for a log it does not follow. */
  touched(p: { source: S & { id: string }; log: Log }): TouchedAccounts | undefined;
  /** `sigil policy check`: the contract has code and answers the interface at the latest block. */
  check(p: { chain: ChainClient; source: S & { id: string } }): Promise<void>;
}
