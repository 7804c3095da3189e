import {
  type BlockRef,
  type FollowerPosition,
  type RoleEvent,
  type RoleEventBatch,
  RoleEventStore,
} from "@sigil/core";

/** {@link RoleEventStore} in memory, to test the follower's chain logic on its own. */
export class MemoryRoleEventStore extends RoleEventStore {
  readonly events = new Map<string, RoleEvent>();
  readonly blocks = new Map<bigint, BlockRef>();
  readonly batches: RoleEventBatch[] = [];
  rewinds: (bigint | undefined)[] = [];
  private at: BlockRef | undefined;

  override async position(chainId: number): Promise<FollowerPosition | undefined> {
    return this.at && { chainId, block: this.at };
  }

  override async recentBlocks(_chainId: number, below: bigint, limit: number): Promise<BlockRef[]> {
    return [...this.blocks.values()]
      .filter((block) => block.number <= below)
      .sort((a, b) => (a.number < b.number ? 1 : -1))
      .slice(0, limit);
  }

  override async apply(batch: RoleEventBatch): Promise<number> {
    this.batches.push(batch);
    let added = 0;
    for (const event of batch.events) {
      const key = `${event.blockHash}:${event.txHash}:${event.logIndex}`;
      if (!this.events.has(key)) added += 1;
      this.events.set(key, event);
    }
    for (const block of batch.blocks) this.blocks.set(block.number, block);
    this.at = batch.to;
    return added;
  }

  override async rewind(_chainId: number, to: BlockRef | undefined): Promise<void> {
    this.rewinds.push(to?.number);
    const above = (n: bigint) => to === undefined || n > to.number;
    for (const [key, event] of this.events) if (above(event.blockNumber)) this.events.delete(key);
    for (const [n] of this.blocks) if (above(n)) this.blocks.delete(n);
    this.at = to;
  }

  /** Who holds which role and which role confers which scope, replaying the events in order. */
  state(): { members: string[]; scopes: string[] } {
    const ordered = [...this.events.values()].sort((a, b) =>
      a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
    );
    const members = new Set<string>();
    const scopes = new Set<string>();
    for (const event of ordered) {
      if (event.kind === "role_granted") members.add(`${event.role}:${event.account}`);
      if (event.kind === "role_revoked") members.delete(`${event.role}:${event.account}`);
      if (event.kind === "scope_added") scopes.add(`${event.role}:${event.scope}`);
      if (event.kind === "scope_removed") scopes.delete(`${event.role}:${event.scope}`);
    }
    return { members: [...members].sort(), scopes: [...scopes].sort() };
  }
}
