import type { Role, ScopeProvenance } from "@sigil/core";
import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from "typeorm";
import { bigintTransformer } from "../transformers/bigint.transformer.js";
import { SessionEntity } from "./session.entity.js";

/** How a grant was obtained. */
export type GrantMethod = "siwe" | "refresh" | "delegation" | "api_key" | "chain_sync";

/**
 * One token issuance and why it was allowed: the roles read on chain at a recorded block, the
 * scopes asked for and granted, and later its revocation (DESIGN.md "Tokens and grants").
 */
@Entity({ name: "grants" })
// The migration orders issued_at DESC for "latest grants of a subject"; TypeORM cannot express it.
@Index("IDX_grants_subject_issued_at", ["subject", "issuedAt"])
@Index("IDX_grants_session_id", ["sessionId"])
@Check("CHK_grants_method", `"method" IN ('siwe', 'refresh', 'delegation', 'api_key', 'chain_sync')`)
export class GrantEntity {
  @PrimaryGeneratedColumn("uuid", { primaryKeyConstraintName: "PK_grants" })
  id!: string;

  // Grants are history: purging a session must not erase the record of what it was granted.
  @Column({ name: "session_id", type: "uuid", nullable: true })
  @ForeignKey(() => SessionEntity, "id", { name: "FK_grants_session_id", onDelete: "SET NULL" })
  sessionId!: string | null;

  /** CAIP-10 subject the token speaks for. */
  @Column({ type: "text" })
  subject!: string;

  /** RFC 8693 `act`: who acts for the subject (a session key or API key), if anyone. */
  @Column({ type: "text", nullable: true })
  actor!: string | null;

  @Column({ type: "text" })
  method!: GrantMethod;

  /** Null when the client asked for everything its roles allow. */
  @Column({ name: "scopes_requested", type: "text", array: true, nullable: true })
  scopesRequested!: string[] | null;

  @Column({ name: "scopes_granted", type: "text", array: true })
  scopesGranted!: string[];

  @Column({ type: "jsonb" })
  roles!: Role[];

  @Column({ name: "chain_id", type: "integer" })
  chainId!: number;

  @Column({ name: "block_number", type: "bigint", transformer: bigintTransformer })
  blockNumber!: bigint;

  @Column({ name: "block_hash", type: "text" })
  blockHash!: string;

  @Column({ name: "client_address", type: "text", nullable: true })
  clientAddress!: string | null;

  @Column({ name: "user_agent", type: "text", nullable: true })
  userAgent!: string | null;

  @Column({ name: "issued_at", type: "timestamptz" })
  issuedAt!: Date;

  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;

  @Column({ name: "revoked_at", type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  @Column({ name: "revoked_reason", type: "text", nullable: true })
  revokedReason!: string | null;

  /** Block of the on-chain event that revoked the grant, when the chain did. */
  @Column({ name: "revoked_block_number", type: "bigint", nullable: true, transformer: bigintTransformer })
  revokedBlockNumber!: bigint | null;

  /** Per granted scope, the policy rule and the sources (chain, block) it held on; null before P7. */
  @Column({ name: "scope_sources", type: "jsonb", nullable: true })
  scopeSources!: Record<string, ScopeProvenance> | null;
}
