import { Column, Entity, PrimaryColumn } from "typeorm";
import { bigintTransformer } from "../transformers/bigint.transformer.js";

/** A block hash the follower saw: after a reorg, the highest one still canonical is the fork point. */
@Entity({ name: "chain_blocks" })
export class ChainBlockEntity {
  @PrimaryColumn({ name: "chain_id", type: "integer", primaryKeyConstraintName: "PK_chain_blocks" })
  chainId!: number;

  @PrimaryColumn({
    name: "block_number",
    type: "bigint",
    transformer: bigintTransformer,
    primaryKeyConstraintName: "PK_chain_blocks",
  })
  blockNumber!: bigint;

  @Column({ name: "block_hash", type: "text" })
  blockHash!: string;
}
