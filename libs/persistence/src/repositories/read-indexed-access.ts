import type { EntityManager } from "typeorm";

type Hex = `0x${string}`;

/** An account's roles and scopes as the event index says, at a block. */
export interface IndexedAccess {
  address: Hex;
  roles: { id: Hex; name: string; scopes: string[] }[];
  scopes: string[];
}

export interface ReadIndexedAccessParameters {
  manager: EntityManager;
  chainId: number;
  /** Only events at or below this block count. */
  atBlock: bigint;
  /** Accounts to report; each is reported, with no role when the index knows none. */
  accounts: Hex[];
}

/**
 * Replays the recorded registry events up to `atBlock`: the last grant/revoke of each (role, account)
 * and the last add/remove of each (role, scope) decide. Only defined roles count, as in `accessOf`.
 */
export async function readIndexedAccess(p: ReadIndexedAccessParameters): Promise<IndexedAccess[]> {
  const rows: { account: Hex; role: Hex; name: string; scopes: string[] | null }[] = await p.manager.query(
    `WITH events AS (
       SELECT * FROM chain_role_events WHERE chain_id = $1 AND block_number <= $2
     ), membership AS (
       SELECT DISTINCT ON (role, account) role, account, kind FROM events
        WHERE kind IN ('role_granted', 'role_revoked') AND account = ANY($3)
        ORDER BY role, account, block_number DESC, log_index DESC
     ), conferred AS (
       SELECT DISTINCT ON (role, scope) role, scope, kind FROM events
        WHERE kind IN ('scope_added', 'scope_removed')
        ORDER BY role, scope, block_number DESC, log_index DESC
     ), defined AS (
       SELECT DISTINCT ON (role) role, name FROM events WHERE kind = 'role_defined'
        ORDER BY role, block_number, log_index
     )
     SELECT m.account, m.role, d.name,
            (SELECT array_agg(c.scope) FROM conferred c
              WHERE c.role = m.role AND c.kind = 'scope_added') AS scopes
       FROM membership m JOIN defined d ON d.role = m.role
      WHERE m.kind = 'role_granted'
      ORDER BY m.account, m.role`,
    [p.chainId, p.atBlock.toString(), p.accounts],
  );
  return p.accounts.map((address) => {
    const roles = rows
      .filter((row) => row.account === address)
      .map((row) => ({ id: row.role, name: row.name, scopes: [...(row.scopes ?? [])].sort() }));
    return { address, roles, scopes: [...new Set(roles.flatMap((role) => role.scopes))].sort() };
  });
}
