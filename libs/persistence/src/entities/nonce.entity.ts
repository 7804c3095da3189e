import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * A single-use SIWE nonce. Server-prepared challenges also pin the address, chain and scopes the
 * message was built for; bare nonces (`GET /v1/auth/nonce`) leave them null.
 */
@Entity({ name: "nonces" })
@Index("IDX_nonces_expires_at", ["expiresAt"])
export class NonceEntity {
  @PrimaryColumn({ type: "text", primaryKeyConstraintName: "PK_nonces" })
  nonce!: string;

  @Column({ type: "text", nullable: true })
  address!: string | null;

  @Column({ name: "chain_id", type: "integer", nullable: true })
  chainId!: number | null;

  @Column({ name: "requested_scopes", type: "text", array: true, nullable: true })
  requestedScopes!: string[] | null;

  @Column({ name: "issued_at", type: "timestamptz" })
  issuedAt!: Date;

  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;

  @Column({ name: "consumed_at", type: "timestamptz", nullable: true })
  consumedAt!: Date | null;
}
