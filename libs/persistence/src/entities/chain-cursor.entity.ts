import { Column, Entity, PrimaryColumn } from "typeorm";
import { bigintTransformer } from "../transformers/bigint.transformer.js";

/** How far the event follower has read one chain (row form of the core `ChainCursor`). */
@Entity({ name: "chain_cursors" })
export class ChainCursorEntity {
  @PrimaryColumn({ name: "chain_id", type: "integer", primaryKeyConstraintName: "PK_chain_cursors" })
  chainId!: number;

  @Column({ name: "genesis_hash", type: "text" })
  genesisHash!: string;

  @Column({ name: "registry_address", type: "text" })
  registryAddress!: string;

  @Column({ name: "block_number", type: "bigint", transformer: bigintTransformer })
  blockNumber!: bigint;

  @Column({ name: "block_hash", type: "text" })
  blockHash!: string;

  @Column({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}
