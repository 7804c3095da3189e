import { ConfigInvalidError, type Erc1155Source, PolicySourceKind } from "@sigil/core";
import { erc1155Abi, getAbiItem, maxUint256 } from "viem";
import { PinnedReads } from "../../access/pinned-reads.js";
import type { PolicySourceAdapter } from "./policy-source-adapter.js";
import { checkSource } from "./check-source.js";
import { decodeSourceLog } from "./decode-source-log.js";
import { sourceFault } from "./source-fault.js";
import { sourceRef } from "./source-ref.js";
import { tokenMinimum } from "./token-minimum.js";
import { touchedAccounts } from "./touched-accounts.js";

/** ERC-165: an ERC-1155 contract must claim `0xd9b67a26`. */
const ERC1155_INTERFACE_ID = "0xd9b67a26";

const singleEvent = getAbiItem({ abi: erc1155Abi, name: "TransferSingle" });
const batchEvent = getAbiItem({ abi: erc1155Abi, name: "TransferBatch" });

/**
 * Holds at least `min` of one ERC-1155 token id. A transfer (mint and burn included) touches both
 * sides, only when it moves that id.
 */
export const erc1155Source: PolicySourceAdapter<Erc1155Source> = {
  kind: PolicySourceKind.erc1155,
  events: [singleEvent, batchEvent],

  async read({ chain, source, account, block, reads = new PinnedReads(chain, block.hash) }) {
    try {
      const [id, min] = [tokenId(source), tokenMinimum(source)];
      await chain.verifyChainId();
      const balance = await reads.call({
        to: source.address,
        abi: erc1155Abi,
        functionName: "balanceOf",
        args: [account, id],
      });
      return { holds: balance >= min, scopes: [] };
    } catch (error) {
      throw sourceFault({
        error,
        chain,
        source,
        action: `reading the balance of ${account} in token ${source.tokenId} at block ${block.number}`,
      });
    }
  },

  touched({ source, log }) {
    const event = decodeSourceLog({ source, log, abi: [singleEvent, batchEvent] });
    if (!event) return undefined;
    const id = tokenId(source);
    const moved = event.eventName === "TransferSingle" ? event.args.id === id : event.args.ids.includes(id);
    return moved ? touchedAccounts({ accounts: [event.args.from, event.args.to] }) : undefined;
  },

  check({ chain, source }) {
    return checkSource({
      chain,
      source,
      expects: "ERC-1155",
      probe: (client) =>
        client.readContract({
          address: source.address,
          abi: erc1155Abi,
          functionName: "supportsInterface",
          args: [ERC1155_INTERFACE_ID],
        }),
    });
  },
};

/** The configured token id; anything but a decimal `uint256` is a config error naming the source. */
function tokenId(source: Erc1155Source): bigint {
  const id = /^(0|[1-9]\d*)$/.test(source.tokenId) ? BigInt(source.tokenId) : undefined;
  if (id === undefined || id > maxUint256) {
    const name = sourceRef(source).id;
    throw new ConfigInvalidError(
      `policy source ${name}: tokenId ${source.tokenId} is not a decimal uint256`,
      {
        details: { key: "tokenId", source: name, tokenId: source.tokenId },
      },
    );
  }
  return id;
}
