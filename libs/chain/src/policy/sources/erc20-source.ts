import { ConfigInvalidError, type Erc20Source, PolicySourceKind } from "@sigil/core";
import { type Address, erc20Abi, getAbiItem, parseAbi, zeroAddress } from "viem";
import { PinnedReads } from "../../access/pinned-reads.js";
import type { PolicySourceAdapter } from "./policy-source-adapter.js";
import { checkSource } from "./check-source.js";
import { decodeSourceLog } from "./decode-source-log.js";
import { sourceFault } from "./source-fault.js";
import { sourceRef } from "./source-ref.js";
import { touchedAccounts } from "./touched-accounts.js";

/** OpenZeppelin `IVotes` (ERC20Votes): current voting power and the event that moves it. */
const votesAbi = parseAbi([
  "function getVotes(address account) view returns (uint256)",
  "event DelegateVotesChanged(address indexed delegate, uint256 previousVotes, uint256 newVotes)",
]);

const transferEvent = getAbiItem({ abi: erc20Abi, name: "Transfer" });
const votesChangedEvent = getAbiItem({ abi: votesAbi, name: "DelegateVotesChanged" });

/**
 * An ERC-20 balance, or ERC20Votes voting power, at or above the threshold. The threshold is in
 * whole tokens and scaled by the token's `decimals()`, read in the same batch as the measure.
 */
export const erc20Source: PolicySourceAdapter<Erc20Source> = {
  kind: PolicySourceKind.erc20,
  events: [transferEvent, votesChangedEvent],

  async read({ chain, source, account, block, reads = new PinnedReads(chain, block.hash) }) {
    try {
      await chain.verifyChainId();
      // Both reads go out with the chain's other reads of this sign-in.
      const [decimals, amount] = await Promise.all([
        reads.call({ to: source.address, abi: erc20Abi, functionName: "decimals", args: [] }),
        readMeasure({ reads, source, account }),
      ]);
      return { holds: amount >= scaledThreshold(source, decimals), scopes: [] };
    } catch (error) {
      throw sourceFault({
        error,
        chain,
        source,
        action: `reading the ${source.measure} of ${account} at block ${block.number}`,
      });
    }
  },

  // A transfer changes balances; votes move only with DelegateVotesChanged (ERC20Votes emits it
  // for the delegates on every transfer), so each measure follows its own event.
  touched({ source, log }) {
    if (source.measure === "votes") {
      const event = decodeSourceLog({ source, log, abi: [votesChangedEvent] });
      return event && touchedAccounts({ accounts: [event.args.delegate] });
    }
    // ERC-721 shares the Transfer topic with the token id indexed: a fourth topic is not ours.
    if (log.topics.length !== 3) return undefined;
    const event = decodeSourceLog({ source, log, abi: [transferEvent] });
    return event && touchedAccounts({ accounts: [event.args.from, event.args.to] });
  },

  check({ chain, source }) {
    return checkSource({
      chain,
      source,
      expects: source.measure === "votes" ? "ERC-20 with ERC20Votes" : "ERC-20",
      probe: async (client) => {
        const read = { address: source.address } as const;
        await Promise.all([
          client.readContract({ ...read, abi: erc20Abi, functionName: "decimals" }),
          source.measure === "votes"
            ? client.readContract({ ...read, abi: votesAbi, functionName: "getVotes", args: [zeroAddress] })
            : undefined,
        ]);
        return true;
      },
    });
  },
};

interface ReadMeasureParameters {
  reads: PinnedReads;
  source: Erc20Source;
  account: Address;
}

function readMeasure({ reads, source, account }: ReadMeasureParameters): Promise<bigint> {
  const to = source.address;
  return source.measure === "votes"
    ? reads.call({ to, abi: votesAbi, functionName: "getVotes", args: [account] })
    : reads.call({ to, abi: erc20Abi, functionName: "balanceOf", args: [account] });
}

/**
 * The threshold in the token's smallest unit. A threshold finer than the token's decimals would be
 * rounded, silently changing who holds: it is a config error naming the source.
 */
function scaledThreshold(source: Erc20Source, decimals: number): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(source.threshold);
  const fraction = match?.[2] ?? "";
  if (!match || fraction.length > decimals) {
    const id = sourceRef(source).id;
    const reason = match
      ? `has more fractional digits than the token's ${decimals} decimals`
      : "is not a decimal number";
    throw new ConfigInvalidError(`policy source ${id}: threshold ${source.threshold} ${reason}`, {
      details: { key: "threshold", source: id, threshold: source.threshold, decimals },
    });
  }
  return BigInt(match[1]!) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
}
