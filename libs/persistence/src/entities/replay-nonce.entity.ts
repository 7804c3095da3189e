import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** A signed-request nonce or DPoP `jti` already accepted, kept until it could no longer be replayed. */
@Entity({ name: "replay_nonces" })
@Index("IDX_replay_nonces_expires_at", ["expiresAt"])
export class ReplayNonceEntity {
  @PrimaryColumn({ type: "text", primaryKeyConstraintName: "PK_replay_nonces" })
  key!: string;

  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;
}
