import { ChainCursorStore, type ChainCursor } from "@sigil/core";
import type { DataSource, Repository } from "typeorm";
import { ChainCursorEntity } from "../entities/chain-cursor.entity.js";

type Hex = `0x${string}`;

/** {@link ChainCursorStore} over the `chain_cursors` table: one row per chain id. */
export class TypeormChainCursorStore extends ChainCursorStore {
  private readonly cursors: Repository<ChainCursorEntity>;

  constructor(dataSource: DataSource) {
    super();
    this.cursors = dataSource.getRepository(ChainCursorEntity);
  }

  override async get(chainId: number): Promise<ChainCursor | undefined> {
    const row = await this.cursors.findOneBy({ chainId });
    return row ? toCursor(row) : undefined;
  }

  // One upsert statement, so two followers racing on the same chain cannot both insert.
  override async save(cursor: ChainCursor): Promise<void> {
    await this.cursors.upsert(this.cursors.create(cursor), { conflictPaths: ["chainId"] });
  }
}

function toCursor(row: ChainCursorEntity): ChainCursor {
  return {
    chainId: row.chainId,
    genesisHash: row.genesisHash as Hex,
    registryAddress: row.registryAddress as Hex,
    blockNumber: row.blockNumber,
    blockHash: row.blockHash as Hex,
    updatedAt: row.updatedAt,
  };
}
