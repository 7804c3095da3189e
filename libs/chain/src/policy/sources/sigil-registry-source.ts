import type { SigilRegistrySource } from "@sigil/core";
import { decodeEventLog, getAddress, isAddressEqual, zeroAddress } from "viem";
import { accessRegistryAbi } from "../../abi/generated/AccessRegistry.js";
import { callAtHash } from "../../access/call-at-hash.js";
import { readAccess } from "../../access/read-access.js";
import { readLatestBlock } from "../../access/read-latest-block.js";
import { toChainError } from "../../errors/to-chain-error.js";
import { ROLE_EVENTS } from "../../abi/role-events.js";
import type { PolicySourceAdapter } from "./policy-source-adapter.js";

/** Sigil's AccessRegistry: the roles an account holds and the scopes each confers, both on-chain. */
export const sigilRegistrySource: PolicySourceAdapter<SigilRegistrySource> = {
  kind: "sigil-registry",
  async read({ chain, source, account, block, reads }) {
    const access = await readAccess({ chain, address: account, at: block, registry: source.address, reads });
    return { holds: access.roles.length > 0, scopes: access.scopes, roles: access.roles };
  },
  events: ROLE_EVENTS,
  touched({ source, log }) {
    if (!isAddressEqual(log.address, source.address)) return undefined;
    const event = decodeEventLog({
      abi: accessRegistryAbi,
      data: log.data,
      topics: log.topics,
      strict: false,
    });
    switch (event.eventName) {
      case "RoleGranted":
        return { accounts: event.args.account ? [getAddress(event.args.account)] : [] };
      case "RoleRevoked":
        return { accounts: event.args.account ? [getAddress(event.args.account)] : [], ends: true };
      case "ScopeRemoved":
        return { accounts: [], holdersOf: event.args.scope ? [event.args.scope] : [] };
      default:
        return { accounts: [] };
    }
  },
  async check({ chain, source }) {
    const block = await readLatestBlock(chain);
    try {
      await callAtHash({
        client: chain.client,
        to: source.address,
        abi: accessRegistryAbi,
        functionName: "accessOf",
        args: [zeroAddress],
        blockHash: block.hash,
      });
    } catch (error) {
      throw toChainError({
        error,
        chainId: chain.chainId,
        action: "checking the AccessRegistry interface",
        policySource: { id: source.id, address: source.address },
      });
    }
  },
};
