import {
  type AccessControlSource,
  ConfigInvalidError,
  PolicySourceKind,
  type Role,
  scopesForRoles,
} from "@sigil/core";
import { type Hex, isHex, parseAbi, size, zeroAddress } from "viem";
import { PinnedReads } from "../../access/pinned-reads.js";
import type { PolicySourceAdapter } from "./policy-source-adapter.js";
import { checkSource } from "./check-source.js";
import { decodeSourceLog } from "./decode-source-log.js";
import { sourceFault } from "./source-fault.js";
import { sourceRef } from "./source-ref.js";
import { touchedAccounts } from "./touched-accounts.js";

/** OpenZeppelin `IAccessControl`: the one view and the two events the source needs. */
const accessControlAbi = parseAbi([
  "function hasRole(bytes32 role, address account) view returns (bool)",
  "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
  "event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)",
]);

const events = accessControlAbi.filter((item) => item.type === "event");

/**
 * An OpenZeppelin AccessControl contract: the account holds the configured `bytes32` roles it has,
 * and each confers the scopes the policy maps to it. A revoke ends sessions that lose a scope.
 */
export const accessControlSource: PolicySourceAdapter<AccessControlSource> = {
  kind: PolicySourceKind.accessControl,
  events,

  async read({ chain, source, account, block, reads = new PinnedReads(chain, block.hash) }) {
    try {
      const entries = roleEntries(source);
      await chain.verifyChainId();
      // Issued together, the reads go out with the chain's other reads of this sign-in.
      const held = await Promise.all(
        entries.map(([role]) =>
          reads.call({
            to: source.address,
            abi: accessControlAbi,
            functionName: "hasRole",
            args: [role, account],
          }),
        ),
      );
      const roles: Role[] = entries
        .filter((_, index) => held[index])
        .map(([id, scopes]) => ({ id, name: id, scopes: [...scopes].sort() }));
      return { holds: roles.length > 0, scopes: scopesForRoles(roles), roles };
    } catch (error) {
      throw sourceFault({
        error,
        chain,
        source,
        action: `reading roles of ${account} at block ${block.number}`,
      });
    }
  },

  touched({ source, log }) {
    const event = decodeSourceLog({ source, log, abi: events });
    if (!event || !Object.keys(source.roles).some((role) => sameRole(role, event.args.role))) {
      return undefined;
    }
    return touchedAccounts({ accounts: [event.args.account], ends: event.eventName === "RoleRevoked" });
  },

  check({ chain, source }) {
    return checkSource({
      chain,
      source,
      expects: "IAccessControl",
      probe: async (client) => {
        await client.readContract({
          address: source.address,
          abi: accessControlAbi,
          functionName: "hasRole",
          args: [`0x${"00".repeat(32)}`, zeroAddress],
        });
        return true;
      },
    });
  },
};

/** The configured roles with their scopes; a role id that is not 32 bytes of hex is a config error. */
function roleEntries(source: AccessControlSource): [Hex, string[]][] {
  const entries = Object.entries(source.roles) as [string, string[]][];
  for (const [role] of entries) {
    if (!isHex(role, { strict: true }) || size(role) !== 32) {
      throw new ConfigInvalidError(
        `policy source ${sourceRef(source).id}: role ${role} is not a bytes32 id`,
        {
          details: { key: "roles", source: sourceRef(source).id, role },
        },
      );
    }
  }
  return entries as [Hex, string[]][];
}

function sameRole(configured: string, logged: Hex): boolean {
  return configured.toLowerCase() === logged.toLowerCase();
}
