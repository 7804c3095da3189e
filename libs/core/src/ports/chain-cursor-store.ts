/** How far Sigil has followed one chain, and which chain (and registry) that was. */
export interface ChainCursor {
  chainId: number;
  /** Hash of block 0: tells a restarted dev chain (or a wrong RPC) from the chain on record. */
  genesisHash: `0x${string}`;
  registryAddress: `0x${string}`;
  blockNumber: bigint;
  blockHash: `0x${string}`;
  updatedAt: Date;
}

/** Port: persistent chain cursors (implemented in libs/persistence). */
export abstract class ChainCursorStore {
  abstract get(chainId: number): Promise<ChainCursor | undefined>;
  /** Inserts or replaces the cursor of `cursor.chainId`. */
  abstract save(cursor: ChainCursor): Promise<void>;
}
