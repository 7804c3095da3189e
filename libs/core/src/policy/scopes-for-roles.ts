import type { Role } from "../roles/role.js";

/** The effective scopes of a set of roles: the sorted union of what each confers. */
export function scopesForRoles(roles: readonly Pick<Role, "scopes">[]): string[] {
  return [...new Set(roles.flatMap((role) => role.scopes))].sort();
}
