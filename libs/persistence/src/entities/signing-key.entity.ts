import { Check, Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * An access-token signing key. Published in the JWKS from `createdAt` until `retiredAt`; signs from
 * `activatedAt` (planned ahead: publish-before-use). The private half is stored only envelope-
 * encrypted (its own data key, wrapped by the KEK `kekId`) and dropped once the key stops signing.
 */
@Entity({ name: "signing_keys" })
@Check("CHK_signing_keys_alg", `"alg" IN ('ES256')`)
@Check(
  "CHK_signing_keys_sealed",
  `("private_key_encrypted" IS NULL AND "wrapped_data_key" IS NULL AND "kek_id" IS NULL) OR ("private_key_encrypted" IS NOT NULL AND "wrapped_data_key" IS NOT NULL AND "kek_id" IS NOT NULL)`,
)
export class SigningKeyEntity {
  @PrimaryColumn({ type: "text", primaryKeyConstraintName: "PK_signing_keys" })
  kid!: string;

  @Column({ type: "text" })
  alg!: "ES256";

  @Column({ name: "public_jwk", type: "jsonb" })
  publicJwk!: Record<string, string>;

  /** PKCS#8 DER, AES-256-GCM under the data key (kid as context); null once the key stopped signing. */
  @Column({ name: "private_key_encrypted", type: "bytea", nullable: true })
  privateKeyEncrypted!: Buffer | null;

  /** The data key, wrapped by the KEK named in `kekId`. */
  @Column({ name: "wrapped_data_key", type: "bytea", nullable: true })
  wrappedDataKey!: Buffer | null;

  @Index("IDX_signing_keys_kek_id")
  @Column({ name: "kek_id", type: "text", nullable: true })
  kekId!: string | null;

  /** Published in the JWKS from here on. */
  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  /** Signs from here on (a planned time: at least the publish lead after `createdAt`). */
  @Column({ name: "activated_at", type: "timestamptz" })
  activatedAt!: Date;

  /** Leaves the JWKS at this (planned) time; set when a successor is created. */
  @Column({ name: "retired_at", type: "timestamptz", nullable: true })
  retiredAt!: Date | null;
}
