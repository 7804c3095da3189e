import { Check, Column, Entity, Index, PrimaryColumn } from "typeorm";
import type { WalletKind } from "@sigil/core";

/** Signature scheme of an API key. */
export type ApiKeyAlgorithm = "hmac-sha256" | "ed25519";

/**
 * An exchange-style API key. Ed25519 keys keep only the public key; HMAC secrets (which the server
 * must hold to verify) are sealed under the KEK, never stored in the clear.
 */
@Entity({ name: "api_keys" })
@Index("IDX_api_keys_owner_subject", ["ownerSubject"])
@Check("CHK_api_keys_alg", `"alg" IN ('hmac-sha256', 'ed25519')`)
@Check(
  "CHK_api_keys_material",
  `("alg" = 'ed25519' AND "public_key" IS NOT NULL AND "secret_encrypted" IS NULL) OR ("alg" = 'hmac-sha256' AND "public_key" IS NULL AND "secret_encrypted" IS NOT NULL AND "wrapped_data_key" IS NOT NULL AND "kek_id" IS NOT NULL)`,
)
export class ApiKeyEntity {
  /** `sk_…`: shown to the owner, sent with every signed request. */
  @PrimaryColumn({ type: "text", primaryKeyConstraintName: "PK_api_keys" })
  id!: string;

  @Column({ name: "owner_subject", type: "text" })
  ownerSubject!: string;

  @Column({ name: "owner_address", type: "text" })
  ownerAddress!: string;

  @Column({ name: "chain_id", type: "integer" })
  chainId!: number;

  @Column({ name: "wallet_kind", type: "text" })
  walletKind!: WalletKind;

  @Column({ type: "text" })
  alg!: ApiKeyAlgorithm;

  /** Ed25519 only: the raw 32-byte public key, base64url. */
  @Column({ name: "public_key", type: "text", nullable: true })
  publicKey!: string | null;

  @Column({ name: "kek_id", type: "text", nullable: true })
  kekId!: string | null;

  @Column({ name: "wrapped_data_key", type: "bytea", nullable: true })
  wrappedDataKey!: Buffer | null;

  @Column({ name: "secret_encrypted", type: "bytea", nullable: true })
  secretEncrypted!: Buffer | null;

  @Column({ type: "text", array: true })
  scopes!: string[];

  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;

  @Column({ name: "max_requests_per_minute", type: "integer" })
  maxRequestsPerMinute!: number;

  @Column({ name: "allowed_clients", type: "text", array: true })
  allowedClients!: string[];

  /** Rotation: the key this one replaces (which stays valid until its shortened expiry). */
  @Column({ name: "replaces_id", type: "text", nullable: true })
  replacesId!: string | null;

  /** Contract wallets: the sign-in digest and signature that authorised the key, re-checked at every mint. */
  @Column({ name: "owner_digest", type: "text", nullable: true })
  ownerDigest!: string | null;

  @Column({ name: "owner_signature", type: "text", nullable: true })
  ownerSignature!: string | null;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "revoked_at", type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  @Column({ name: "revoked_reason", type: "text", nullable: true })
  revokedReason!: string | null;
}
