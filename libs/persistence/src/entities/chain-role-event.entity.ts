import { Check, Column, Entity, Index, PrimaryColumn } from "typeorm";
import { bigintTransformer } from "../transformers/bigint.transformer.js";

/** What a registry event did (one per AccessRegistry / AccessControl event Sigil follows). */
export type ChainRoleEventKind =
  "role_defined" | "role_granted" | "role_revoked" | "scope_added" | "scope_removed";

/**
 * One applied registry event. The key is where it happened, so applying a range twice changes
 * nothing, and a reorg's replacement of the same transaction is a new row.
 */
@Entity({ name: "chain_role_events" })
@Index("IDX_chain_role_events_order", ["chainId", "blockNumber", "logIndex"])
@Check(
  "CHK_chain_role_events_kind",
  `"kind" IN ('role_defined', 'role_granted', 'role_revoked', 'scope_added', 'scope_removed')`,
)
export class ChainRoleEventEntity {
  @PrimaryColumn({ name: "chain_id", type: "integer", primaryKeyConstraintName: "PK_chain_role_events" })
  chainId!: number;

  @PrimaryColumn({ name: "block_hash", type: "text", primaryKeyConstraintName: "PK_chain_role_events" })
  blockHash!: string;

  @PrimaryColumn({ name: "tx_hash", type: "text", primaryKeyConstraintName: "PK_chain_role_events" })
  txHash!: string;

  @PrimaryColumn({ name: "log_index", type: "integer", primaryKeyConstraintName: "PK_chain_role_events" })
  logIndex!: number;

  @Column({ name: "block_number", type: "bigint", transformer: bigintTransformer })
  blockNumber!: bigint;

  @Column({ type: "text" })
  kind!: ChainRoleEventKind;

  /** The 32-byte role id, 0x-hex. */
  @Column({ type: "text" })
  role!: string;

  /** Checksummed account (role_granted / role_revoked). */
  @Column({ type: "text", nullable: true })
  account!: string | null;

  /** scope_added / scope_removed. */
  @Column({ type: "text", nullable: true })
  scope!: string | null;

  /** role_defined. */
  @Column({ type: "text", nullable: true })
  name!: string | null;

  @Column({ name: "applied_at", type: "timestamptz" })
  appliedAt!: Date;
}
