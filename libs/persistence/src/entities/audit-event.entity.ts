import { Check, Column, Entity, PrimaryColumn } from "typeorm";
import { bigintTransformer } from "../transformers/bigint.transformer.js";

/** Whether an audited action succeeded, failed, or is only informational. */
export type AuditOutcome = "success" | "failure" | "info";

/**
 * An append-only audit record. `prev_hash`/`hash` chain the records so tampering shows: the
 * database fills them, and the id, in a trigger under the chain head's lock (migration
 * `AuditChain1764500000000`), so whatever the insert sets for them is replaced. The id the
 * identity default drew first is dropped there, so ids step by two.
 */
@Entity({ name: "audit_events" })
@Check("CHK_audit_events_outcome", `"outcome" IN ('success', 'failure', 'info')`)
export class AuditEventEntity {
  @PrimaryColumn({
    type: "bigint",
    generated: "identity",
    generatedIdentity: "ALWAYS",
    transformer: bigintTransformer,
    primaryKeyConstraintName: "PK_audit_events",
  })
  id!: bigint;

  @Column({ name: "occurred_at", type: "timestamptz" })
  occurredAt!: Date;

  @Column({ type: "text" })
  type!: string;

  @Column({ type: "text" })
  outcome!: AuditOutcome;

  @Column({ type: "text", nullable: true })
  subject!: string | null;

  @Column({ name: "chain_id", type: "integer", nullable: true })
  chainId!: number | null;

  @Column({ name: "request_id", type: "text", nullable: true })
  requestId!: string | null;

  @Column({ type: "jsonb", default: () => "'{}'" })
  data!: Record<string, unknown>;

  @Column({ name: "prev_hash", type: "bytea", nullable: true })
  prevHash!: Buffer | null;

  @Column({ type: "bytea", nullable: true })
  hash!: Buffer | null;
}
