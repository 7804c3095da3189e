/** A 32-byte role identifier as a 0x-prefixed hex string (keccak256 of the role name). */
export type RoleId = `0x${string}`;

/** A role as the AccessRegistry defines it, with the scopes it confers. */
export interface Role {
  id: RoleId;
  name: string;
  scopes: string[];
}

/** Role names of the development seed (see DESIGN.md "Dev chain accounts"). */
export const DemoRoles = {
  trader: "TRADER",
  viewer: "VIEWER",
} as const;

/** Scopes each demo role confers in dev mode and tests. */
export const DEMO_ROLE_SCOPES: Readonly<Record<string, readonly string[]>> = {
  [DemoRoles.trader]: ["orders:read", "orders:write", "positions:read"],
  [DemoRoles.viewer]: ["positions:read"],
};
