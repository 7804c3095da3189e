import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from "typeorm";
import { SessionEntity } from "./session.entity.js";

/**
 * One refresh token of a session's rotation family (RFC 9700). Only a hash of the token is stored;
 * deleting the session deletes the family.
 */
@Entity({ name: "refresh_tokens" })
@Unique("UQ_refresh_tokens_token_hash", ["tokenHash"])
@Index("IDX_refresh_tokens_session_id", ["sessionId"])
export class RefreshTokenEntity {
  @PrimaryGeneratedColumn("uuid", { primaryKeyConstraintName: "PK_refresh_tokens" })
  id!: string;

  @Column({ name: "session_id", type: "uuid" })
  @ForeignKey(() => SessionEntity, "id", { name: "FK_refresh_tokens_session_id", onDelete: "CASCADE" })
  sessionId!: string;

  @Column({ name: "token_hash", type: "bytea" })
  tokenHash!: Buffer;

  /** The token this one replaced; null for the first token of the family. */
  @Column({ name: "parent_id", type: "uuid", nullable: true })
  parentId!: string | null;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;

  @Column({ name: "used_at", type: "timestamptz", nullable: true })
  usedAt!: Date | null;

  @Column({ name: "revoked_at", type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  @Column({ name: "replaced_by_id", type: "uuid", nullable: true })
  replacedById!: string | null;

  /** The client this token was answered to: a replay inside the reuse grace must come from it. */
  @Column({ name: "client_address", type: "text", nullable: true })
  clientAddress!: string | null;

  @Column({ name: "user_agent", type: "text", nullable: true })
  userAgent!: string | null;
}
