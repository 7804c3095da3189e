import { DEMO_ROLE_SCOPES, DemoRoles, type RoleId } from "@sigil/core";
import { keccak256, stringToBytes, type Address } from "viem";
import { accessRegistryAbi } from "../abi/generated/index.js";
import { confirm, type DeployClients } from "./transactions.js";

/** Which registry to seed and who receives each demo role (DESIGN.md "Dev chain accounts"). */
export interface SeedDemoRolesParameters extends DeployClients {
  /** The AccessRegistry; the wallet's account must hold its DEFAULT_ADMIN_ROLE. */
  registry: Address;
  trader: Address;
  viewer: Address;
}

/** Role ids of the demo roles, keyed like {@link DemoRoles}. */
export type DemoRoleIds = Record<keyof typeof DemoRoles, RoleId>;

interface RoleSeed {
  name: string;
  scopes: readonly string[];
  holder: Address;
}

/**
 * Defines TRADER and VIEWER with the scopes of `DEMO_ROLE_SCOPES` and grants them to `trader` and
 * `viewer`. Steps already done are skipped, so seeding a seeded registry changes nothing.
 */
export async function seedDemoRoles(params: SeedDemoRolesParameters): Promise<DemoRoleIds> {
  return {
    trader: await seedRole(params, roleSeed(DemoRoles.trader, params.trader)),
    viewer: await seedRole(params, roleSeed(DemoRoles.viewer, params.viewer)),
  };
}

function roleSeed(name: string, holder: Address): RoleSeed {
  return { name, scopes: DEMO_ROLE_SCOPES[name] ?? [], holder };
}

async function seedRole(
  params: SeedDemoRolesParameters,
  { name, scopes, holder }: RoleSeed,
): Promise<RoleId> {
  const { publicClient, walletClient, registry } = params;
  const role = keccak256(stringToBytes(name));
  const write = async (action: string, send: () => Promise<`0x${string}`>) =>
    confirm(publicClient, await send(), `AccessRegistry.${action}`);
  const read = { address: registry, abi: accessRegistryAbi } as const;

  if ((await publicClient.readContract({ ...read, functionName: "roleName", args: [role] })) === "") {
    await write(`defineRole(${name})`, () =>
      walletClient.writeContract({ ...read, functionName: "defineRole", args: [name] }),
    );
  }
  for (const scope of scopes) {
    if (await publicClient.readContract({ ...read, functionName: "hasScope", args: [role, scope] })) continue;
    await write(`addScope(${name}, ${scope})`, () =>
      walletClient.writeContract({ ...read, functionName: "addScope", args: [role, scope] }),
    );
  }
  // grantRole is a no-op for a holder, but skipping it avoids a needless transaction.
  if (!(await publicClient.readContract({ ...read, functionName: "hasRole", args: [role, holder] }))) {
    await write(`grantRole(${name}, ${holder})`, () =>
      walletClient.writeContract({ ...read, functionName: "grantRole", args: [role, holder] }),
    );
  }
  return role;
}
