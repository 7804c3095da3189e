import { Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { SessionEntity } from "./session.entity.js";
import { bigintTransformer } from "../transformers/bigint.transformer.js";

/** One revoked session, in the order revocations happened: the feed resource servers poll. */
@Entity({ name: "revocations" })
@Index("IDX_revocations_revoked_at", ["revokedAt"])
export class RevocationEntity {
  @PrimaryColumn({
    type: "bigint",
    generated: "identity",
    generatedIdentity: "ALWAYS",
    transformer: bigintTransformer,
    primaryKeyConstraintName: "PK_revocations",
  })
  id!: bigint;

  @Column({ name: "session_id", type: "uuid" })
  @ForeignKey(() => SessionEntity, "id", { name: "FK_revocations_session_id", onDelete: "CASCADE" })
  sessionId!: string;

  @Column({ type: "text" })
  reason!: string;

  @Column({ name: "revoked_at", type: "timestamptz" })
  revokedAt!: Date;

  /** Null: the session ended. Otherwise it lives on with only these scopes (chain role sync). */
  @Column({ type: "text", array: true, nullable: true })
  scopes!: string[] | null;

  /** When the last access token of the session expires: after that the entry is moot. */
  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;
}
