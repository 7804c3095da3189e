import {
  type AccessManagerSource,
  ConfigInvalidError,
  PolicySourceKind,
  type Role,
  scopesForRoles,
} from "@sigil/core";
import { maxUint64, parseAbi, toHex, zeroAddress } from "viem";
import { PinnedReads } from "../../access/pinned-reads.js";
import type { PolicySourceAdapter } from "./policy-source-adapter.js";
import { checkSource } from "./check-source.js";
import { decodeSourceLog } from "./decode-source-log.js";
import { sourceFault } from "./source-fault.js";
import { sourceRef } from "./source-ref.js";
import { touchedAccounts } from "./touched-accounts.js";

/** OpenZeppelin `IAccessManager`: the one view and the two events the source needs. */
const accessManagerAbi = parseAbi([
  "function hasRole(uint64 roleId, address account) view returns (bool isMember, uint32 executionDelay)",
  "event RoleGranted(uint64 indexed roleId, address indexed account, uint32 delay, uint48 since, bool newMember)",
  "event RoleRevoked(uint64 indexed roleId, address indexed account)",
]);

const events = accessManagerAbi.filter((item) => item.type === "event");

interface ManagerRole {
  /** The decimal key of the policy file. */
  key: string;
  roleId: bigint;
  scopes: string[];
}

/**
 * An OpenZeppelin AccessManager: the account holds the configured `uint64` roles it is a member of
 * at the block. `hasRole` counts a grant only from its `since`, judged at the block's timestamp, so a
 * grant still waiting for its grant delay confers nothing yet. A revoke ends sessions that lose a scope.
 */
export const accessManagerSource: PolicySourceAdapter<AccessManagerSource> = {
  kind: PolicySourceKind.accessManager,
  events,

  async read({ chain, source, account, block, reads = new PinnedReads(chain, block.hash) }) {
    try {
      const configured = managerRoles(source);
      await chain.verifyChainId();
      // Issued together, the reads go out with the chain's other reads of this sign-in.
      const membership = await Promise.all(
        configured.map(({ roleId }) =>
          reads.call({
            to: source.address,
            abi: accessManagerAbi,
            functionName: "hasRole",
            args: [roleId, account],
          }),
        ),
      );
      // A grant that becomes effective later emits nothing then; it only adds scopes, so it is
      // picked up at the next read and nothing has to narrow.
      const roles: Role[] = configured
        .filter((_, index) => membership[index]?.[0])
        .map(({ key, roleId, scopes }) => ({
          id: toHex(roleId, { size: 32 }),
          name: key,
          scopes: [...scopes].sort(),
        }));
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
    if (!event || !Object.keys(source.roles).some((key) => parseRoleId(key) === event.args.roleId)) {
      return undefined;
    }
    return touchedAccounts({ accounts: [event.args.account], ends: event.eventName === "RoleRevoked" });
  },

  check({ chain, source }) {
    return checkSource({
      chain,
      source,
      expects: "IAccessManager",
      probe: async (client) => {
        await client.readContract({
          address: source.address,
          abi: accessManagerAbi,
          functionName: "hasRole",
          args: [0n, zeroAddress],
        });
        return true;
      },
    });
  },
};

/** The configured roles; a key that is not a decimal `uint64` is a config error naming the source. */
function managerRoles(source: AccessManagerSource): ManagerRole[] {
  return Object.entries(source.roles).map(([key, scopes]) => {
    const roleId = parseRoleId(key);
    if (roleId === undefined) {
      const id = sourceRef(source).id;
      throw new ConfigInvalidError(`policy source ${id}: role ${key} is not a decimal uint64 role id`, {
        details: { key: "roles", source: id, role: key },
      });
    }
    return { key, roleId, scopes };
  });
}

function parseRoleId(key: string): bigint | undefined {
  if (!/^(0|[1-9]\d*)$/.test(key)) return undefined;
  const roleId = BigInt(key);
  return roleId <= maxUint64 ? roleId : undefined;
}
