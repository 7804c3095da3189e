import type { AccessSnapshot, Role } from "@sigil/core";

/** The roles a grant row records: id, name and scopes of each (not the snapshot's other fields). */
export function grantRoles(access: AccessSnapshot): Role[] {
  return access.roles.map(({ id, name, scopes }) => ({ id, name, scopes }));
}

/** The block an audit event names: chain, number (as a string, for JSON) and hash. */
export function blockOf(access: AccessSnapshot): { chainId: number; number: string; hash: string } {
  return { chainId: access.block.chainId, number: access.block.number.toString(), hash: access.block.hash };
}

/** Who is asking, for grant and audit records. */
export interface RequestContext {
  requestId: string;
  clientAddress: string | null;
  userAgent: string | null;
}

/** A jsonb parameter: the value as JSON, or SQL NULL (not the JSON `null`) when there is none. */
export function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
