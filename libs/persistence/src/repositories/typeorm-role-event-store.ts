import {
  type BlockRef,
  type FollowerPosition,
  type PolicyEvent,
  type RoleEvent,
  type RoleEventBatch,
  RoleEventStore,
} from "@sigil/core";
import type { DataSource, EntityManager } from "typeorm";

type Hex = `0x${string}`;

/** Seen block hashes kept per chain (the reorg search window is smaller). */
const KEPT_BLOCKS = 1_024n;

/** What a batch does beyond recording itself: prepared outside the transaction, applied inside it. */
export interface RoleEventEffects<Prepared> {
  /** Slow work (chain reads) before the transaction opens. */
  prepare(batch: RoleEventBatch): Promise<Prepared>;
  /** Changes committed together with the events and the new position; `added` are the new events. */
  applyWithin(
    manager: EntityManager,
    batch: RoleEventBatch,
    added: RoleEvent[],
    prepared: Prepared,
  ): Promise<void>;
  /** After a rewind: the accounts and scopes of the forgotten events, for the next batch to re-read. */
  rewound?(forgotten: { accounts: Hex[]; scopes: string[] }): void;
}

export interface TypeormRoleEventStoreParameters<Prepared> {
  dataSource: DataSource;
  /** The chain's identity, recorded with the position (a different genesis or registry re-indexes). */
  identity: { genesisHash: Hex; registryAddress: Hex };
  effects?: RoleEventEffects<Prepared>;
  now?: () => Date;
}

/**
 * {@link RoleEventStore} over `chain_role_events`, `chain_blocks` and `chain_cursors`. Each batch is
 * one transaction: events (inserted once, by their chain position), seen blocks, effects, cursor.
 */
export class TypeormRoleEventStore<Prepared = unknown> extends RoleEventStore {
  private readonly now: () => Date;

  constructor(private readonly p: TypeormRoleEventStoreParameters<Prepared>) {
    super();
    this.now = p.now ?? (() => new Date());
  }

  override async position(chainId: number): Promise<FollowerPosition | undefined> {
    const [row] = await this.p.dataSource.query(
      `SELECT block_number, block_hash, genesis_hash, registry_address FROM chain_cursors WHERE chain_id = $1`,
      [chainId],
    );
    if (!row) return undefined;
    // Another chain or registry than the one on record: nothing recorded applies to this one.
    if (
      row.genesis_hash !== this.p.identity.genesisHash ||
      row.registry_address !== this.p.identity.registryAddress
    ) {
      await this.rewind(chainId, undefined);
      return undefined;
    }
    return { chainId, block: { chainId, number: BigInt(row.block_number), hash: row.block_hash } };
  }

  override async recentBlocks(chainId: number, below: bigint, limit: number): Promise<BlockRef[]> {
    const rows: { block_number: string; block_hash: Hex }[] = await this.p.dataSource.query(
      `SELECT block_number, block_hash FROM chain_blocks
        WHERE chain_id = $1 AND block_number <= $2 ORDER BY block_number DESC LIMIT $3`,
      [chainId, below.toString(), limit],
    );
    return rows.map((row) => ({ chainId, number: BigInt(row.block_number), hash: row.block_hash }));
  }

  override async apply(batch: RoleEventBatch): Promise<number> {
    const prepared = this.p.effects ? await this.p.effects.prepare(batch) : (undefined as Prepared);
    return this.p.dataSource.transaction(async (manager) => {
      const added = await insertEvents(manager, batch.events, this.now());
      const addedPolicy = await insertPolicyEvents(manager, batch.policyEvents ?? [], this.now());
      for (const block of batch.blocks) {
        await manager.query(
          `INSERT INTO chain_blocks (chain_id, block_number, block_hash) VALUES ($1, $2, $3)
           ON CONFLICT (chain_id, block_number) DO UPDATE SET block_hash = EXCLUDED.block_hash`,
          [block.chainId, block.number.toString(), block.hash],
        );
      }
      await manager.query(`DELETE FROM chain_blocks WHERE chain_id = $1 AND block_number < $2`, [
        batch.chainId,
        (batch.to.number - KEPT_BLOCKS).toString(),
      ]);
      if (this.p.effects) await this.p.effects.applyWithin(manager, batch, added, prepared);
      await this.saveCursor(manager, batch.to);
      return added.length + addedPolicy;
    });
  }

  override async rewind(chainId: number, to: BlockRef | undefined): Promise<void> {
    const forgotten = { accounts: new Set<Hex>(), scopes: new Set<string>() };
    await this.p.dataSource.transaction(async (manager) => {
      const above = to === undefined ? "-1" : to.number.toString();
      // TypeORM answers a DELETE … RETURNING with [rows, count].
      const [roleRows]: [{ account: Hex | null; scope: string | null }[], number] = await manager.query(
        `DELETE FROM chain_role_events WHERE chain_id = $1 AND block_number > $2 RETURNING account, scope`,
        [chainId, above],
      );
      const [policyRows]: [{ accounts: Hex[]; holders_of: string[] | null }[], number] = await manager.query(
        `DELETE FROM chain_policy_events WHERE chain_id = $1 AND block_number > $2 RETURNING accounts, holders_of`,
        [chainId, above],
      );
      for (const row of roleRows) {
        if (row.account) forgotten.accounts.add(row.account);
        if (row.scope) forgotten.scopes.add(row.scope);
      }
      for (const row of policyRows) {
        for (const account of row.accounts) forgotten.accounts.add(account);
        for (const scope of row.holders_of ?? []) forgotten.scopes.add(scope);
      }
      await manager.query(`DELETE FROM chain_blocks WHERE chain_id = $1 AND block_number > $2`, [
        chainId,
        above,
      ]);
      if (to === undefined) await manager.query(`DELETE FROM chain_cursors WHERE chain_id = $1`, [chainId]);
      else await this.saveCursor(manager, to);
    });
    // A forgotten grant may have widened live sessions: the winning chain's next batch re-reads them.
    this.p.effects?.rewound?.({ accounts: [...forgotten.accounts], scopes: [...forgotten.scopes] });
  }

  /** Records that the chain was read up to the position just now (freshness for every instance). */
  async touch(chainId: number): Promise<void> {
    await this.p.dataSource.query(`UPDATE chain_cursors SET updated_at = $2 WHERE chain_id = $1`, [
      chainId,
      this.now(),
    ]);
  }

  private async saveCursor(manager: EntityManager, block: BlockRef): Promise<void> {
    await manager.query(
      `INSERT INTO chain_cursors (chain_id, genesis_hash, registry_address, block_number, block_hash, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (chain_id) DO UPDATE SET genesis_hash = EXCLUDED.genesis_hash,
         registry_address = EXCLUDED.registry_address, block_number = EXCLUDED.block_number,
         block_hash = EXCLUDED.block_hash, updated_at = EXCLUDED.updated_at`,
      [
        block.chainId,
        this.p.identity.genesisHash,
        this.p.identity.registryAddress,
        block.number.toString(),
        block.hash,
        this.now(),
      ],
    );
  }
}

/** Inserts the events not recorded yet; returns those (an event's chain position is its key). */
async function insertEvents(manager: EntityManager, events: RoleEvent[], now: Date): Promise<RoleEvent[]> {
  const added: RoleEvent[] = [];
  for (const event of events) {
    const rows: unknown[] = await manager.query(
      `INSERT INTO chain_role_events
         (chain_id, block_hash, tx_hash, log_index, block_number, kind, role, account, scope, name, applied_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [
        event.chainId,
        event.blockHash,
        event.txHash,
        event.logIndex,
        event.blockNumber.toString(),
        event.kind,
        event.role,
        event.account ?? null,
        event.scope ?? null,
        event.name ?? null,
        now,
      ],
    );
    if (rows.length > 0) added.push(event);
  }
  return added;
}

/** Inserts the policy events not recorded yet; returns how many were new. */
async function insertPolicyEvents(manager: EntityManager, events: PolicyEvent[], now: Date): Promise<number> {
  let added = 0;
  for (const event of events) {
    const rows: unknown[] = await manager.query(
      `INSERT INTO chain_policy_events
         (chain_id, block_hash, tx_hash, log_index, block_number, sources, accounts, holders_of, ends, applied_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [
        event.chainId,
        event.blockHash,
        event.txHash,
        event.logIndex,
        event.blockNumber.toString(),
        event.sources,
        event.accounts,
        event.holdersOf ?? null,
        event.ends ?? false,
        now,
      ],
    );
    added += rows.length;
  }
  return added;
}
