import { type ChainClient, readAccess } from "@sigil/chain";
import { readIndexedAccess } from "./read-indexed-access.js";
import type { DataSource } from "typeorm";

type Hex = `0x${string}`;

/** One account whose indexed roles differ from what the registry answers. */
export interface RoleDivergence {
  address: Hex;
  indexed: { roles: string[]; scopes: string[] };
  onChain: { roles: string[]; scopes: string[] };
}

/** What a reconciliation compared, and where it found the index wrong. */
export interface ReconciliationReport {
  chainId: number;
  /** The follower position both sides were read at; undefined when nothing is indexed yet. */
  block: { number: string; hash: Hex } | undefined;
  accountsChecked: number;
  divergent: RoleDivergence[];
}

export interface ReconcileRolesParameters {
  dataSource: DataSource;
  chain: ChainClient;
}

/**
 * Compares the roles the event index holds with direct `accessOf` reads at the same block (the
 * follower's position, pinned by hash), for every account the index or a live session knows.
 */
export async function reconcileRoles({
  dataSource,
  chain,
}: ReconcileRolesParameters): Promise<ReconciliationReport> {
  const chainId = chain.chainId;
  const [cursor] = await dataSource.query(
    `SELECT block_number, block_hash FROM chain_cursors WHERE chain_id = $1`,
    [chainId],
  );
  if (!cursor) return { chainId, block: undefined, accountsChecked: 0, divergent: [] };
  const block = { number: BigInt(cursor.block_number), hash: cursor.block_hash as Hex };
  const rows: { account: Hex }[] = await dataSource.query(
    `SELECT account FROM chain_role_events WHERE chain_id = $1 AND account IS NOT NULL AND block_number <= $2
     UNION SELECT address FROM sessions WHERE chain_id = $1 AND revoked_at IS NULL`,
    [chainId, block.number.toString()],
  );
  const accounts = [...new Set(rows.map((row) => row.account))].sort();
  const indexed = await readIndexedAccess({
    manager: dataSource.manager,
    chainId,
    atBlock: block.number,
    accounts,
  });
  const direct = await Promise.all(accounts.map((address) => readAccess({ chain, address, at: block })));
  const divergent: RoleDivergence[] = [];
  for (const [i, address] of accounts.entries()) {
    const mine = summarise(indexed[i]!);
    const theirs = summarise(direct[i]!);
    if (JSON.stringify(mine) !== JSON.stringify(theirs))
      divergent.push({ address, indexed: mine, onChain: theirs });
  }
  return {
    chainId,
    block: { number: block.number.toString(), hash: block.hash },
    accountsChecked: accounts.length,
    divergent,
  };
}

function summarise(access: { roles: { name: string }[]; scopes: string[] }) {
  return { roles: access.roles.map((role) => role.name).sort(), scopes: [...access.scopes].sort() };
}
