import { type Erc721Source, PolicySourceKind } from "@sigil/core";
import { erc721Abi, getAbiItem, parseAbi } from "viem";
import { PinnedReads } from "../../access/pinned-reads.js";
import type { PolicySourceAdapter } from "./policy-source-adapter.js";
import { checkSource } from "./check-source.js";
import { decodeSourceLog } from "./decode-source-log.js";
import { sourceFault } from "./source-fault.js";
import { tokenMinimum } from "./token-minimum.js";
import { touchedAccounts } from "./touched-accounts.js";

/** ERC-165: an ERC-721 contract must claim `0x80ac58cd`. */
const erc165Abi = parseAbi(["function supportsInterface(bytes4 interfaceId) view returns (bool)"]);
const ERC721_INTERFACE_ID = "0x80ac58cd";

const transferEvent = getAbiItem({ abi: erc721Abi, name: "Transfer" });

/** Holds at least `min` tokens of an ERC-721 collection; a transfer touches both sides. */
export const erc721Source: PolicySourceAdapter<Erc721Source> = {
  kind: PolicySourceKind.erc721,
  events: [transferEvent],

  async read({ chain, source, account, block, reads = new PinnedReads(chain, block.hash) }) {
    try {
      const min = tokenMinimum(source);
      await chain.verifyChainId();
      const balance = await reads.call({
        to: source.address,
        abi: erc721Abi,
        functionName: "balanceOf",
        args: [account],
      });
      return { holds: balance >= min, scopes: [] };
    } catch (error) {
      throw sourceFault({
        error,
        chain,
        source,
        action: `reading the balance of ${account} at block ${block.number}`,
      });
    }
  },

  touched({ source, log }) {
    // ERC-20 shares the Transfer topic with the amount in data: only a fourth topic is ours.
    if (log.topics.length !== 4) return undefined;
    const event = decodeSourceLog({ source, log, abi: [transferEvent] });
    return event && touchedAccounts({ accounts: [event.args.from, event.args.to] });
  },

  // balanceOf(zero) reverts by the standard, so ERC-165 is the representative call.
  check({ chain, source }) {
    return checkSource({
      chain,
      source,
      expects: "ERC-721",
      probe: (client) =>
        client.readContract({
          address: source.address,
          abi: erc165Abi,
          functionName: "supportsInterface",
          args: [ERC721_INTERFACE_ID],
        }),
    });
  },
};
