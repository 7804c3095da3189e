import {
  PolicySourceKind,
  PolicySourceUnavailableError,
  type SafeSource,
  type SourceAnswer,
} from "@sigil/core";
import { decodeEventLog, getAbiItem, getAddress, isAddressEqual, type Log, parseAbi } from "viem";
import { PinnedReads } from "../../access/pinned-reads.js";
import { callAtHash } from "../../access/call-at-hash.js";
import type { ChainClient } from "../../clients/chain-client.js";
import { toChainError } from "../../errors/to-chain-error.js";
import type { PolicySourceAdapter, ReadSourceParameters, TouchedAccounts } from "./policy-source-adapter.js";
import { sourceRef } from "./source-ref.js";

// The owner views of a Safe (OwnerManager), the same from Safe 1.0 to 1.5.
const safeAbi = parseAbi([
  "function isOwner(address owner) view returns (bool)",
  "function getOwners() view returns (address[])",
  "function getThreshold() view returns (uint256)",
]);
// Safe 1.4 indexes the owner; 1.3 does not. The selectors are equal, so both shapes are listed and decoded.
const ownerEvents = parseAbi([
  "event AddedOwner(address indexed owner)",
  "event RemovedOwner(address indexed owner)",
  "event ChangedThreshold(uint256 threshold)",
]);
const ownerEventsV13 = parseAbi([
  "event AddedOwner(address owner)",
  "event RemovedOwner(address owner)",
  "event ChangedThreshold(uint256 threshold)",
]);

/**
 * An owner of a Safe: holds when `isOwner(account)` at the pinned block. Owner changes touch that
 * owner (a removal ends its sessions); a threshold change touches nobody. Facts only: no scopes.
 */
export const safeSource: PolicySourceAdapter<SafeSource> = {
  kind: PolicySourceKind.safe,
  events: [
    getAbiItem({ abi: ownerEvents, name: "AddedOwner" }),
    getAbiItem({ abi: ownerEvents, name: "RemovedOwner" }),
    getAbiItem({ abi: ownerEvents, name: "ChangedThreshold" }),
    getAbiItem({ abi: ownerEventsV13, name: "AddedOwner" }),
    getAbiItem({ abi: ownerEventsV13, name: "RemovedOwner" }),
  ],
  read: readOwner,
  touched({ source, log }): TouchedAccounts | undefined {
    if (!isAddressEqual(log.address, source.address)) return undefined;
    const event = decodeOwnerEvent(log);
    if (!event) return undefined;
    if (event.eventName === "ChangedThreshold") return { accounts: [] };
    const owner = getAddress(event.args.owner);
    return event.eventName === "RemovedOwner" ? { accounts: [owner], ends: true } : { accounts: [owner] };
  },
  check: checkSafe,
};

async function readOwner({
  chain,
  source,
  account,
  block,
  reads = new PinnedReads(chain, block.hash),
}: ReadSourceParameters<SafeSource>): Promise<SourceAnswer> {
  try {
    await chain.verifyChainId();
    const holds = await reads.call({
      to: source.address,
      abi: safeAbi,
      functionName: "isOwner",
      args: [account],
    });
    return { holds, scopes: [] };
  } catch (error) {
    throw toChainError({
      error,
      chainId: chain.chainId,
      action: `reading Safe ownership of ${account}`,
      policySource: { id: sourceRef(source).id, address: source.address },
    });
  }
}

function decodeOwnerEvent(log: Log) {
  const { data, topics } = log;
  try {
    // Indexed (1.4) when the owner is a topic, otherwise the owner is in the data (1.3).
    return topics.length > 1
      ? decodeEventLog({ abi: ownerEvents, data, topics })
      : decodeEventLog({ abi: ownerEventsV13, data, topics });
  } catch {
    return undefined;
  }
}

async function checkSafe({ chain, source }: { chain: ChainClient; source: SafeSource }): Promise<void> {
  const policySource = { id: sourceRef(source).id, address: source.address };
  try {
    await chain.verifyChainId();
    const head = await chain.client.getBlock({ blockTag: "latest" });
    const code = await chain.client.getCode({ address: source.address, blockNumber: head.number });
    if (code === undefined || code === "0x") {
      throw new PolicySourceUnavailableError(
        `chain ${chain.chainId}: Safe policy source ${policySource.id} (${source.address}) has no contract code`,
        { details: { chainId: chain.chainId, source: policySource.id, address: source.address } },
      );
    }
    const at = {
      client: chain.client,
      to: source.address,
      abi: safeAbi,
      args: [],
      blockHash: head.hash,
    } as const;
    await Promise.all([
      callAtHash({ ...at, functionName: "getOwners" }),
      callAtHash({ ...at, functionName: "getThreshold" }),
    ]);
  } catch (error) {
    throw toChainError({ error, chainId: chain.chainId, action: "checking a Safe source", policySource });
  }
}
