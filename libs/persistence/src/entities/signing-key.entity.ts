import { Check, Column, Entity, PrimaryColumn } from "typeorm";

/** An access-token signing key; the private half only ever stored encrypted (AES-256-GCM). */
@Entity({ name: "signing_keys" })
@Check("CHK_signing_keys_alg", `"alg" IN ('ES256')`)
export class SigningKeyEntity {
  @PrimaryColumn({ type: "text", primaryKeyConstraintName: "PK_signing_keys" })
  kid!: string;

  @Column({ type: "text" })
  alg!: "ES256";

  @Column({ name: "public_jwk", type: "jsonb" })
  publicJwk!: Record<string, string>;

  @Column({ name: "private_key_encrypted", type: "bytea" })
  privateKeyEncrypted!: Buffer;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  /** Set once the key may sign; it is published in the JWKS from creation (publish-before-use). */
  @Column({ name: "activated_at", type: "timestamptz", nullable: true })
  activatedAt!: Date | null;

  @Column({ name: "retired_at", type: "timestamptz", nullable: true })
  retiredAt!: Date | null;
}
