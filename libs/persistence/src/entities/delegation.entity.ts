import { Column, Entity, Index, PrimaryColumn, Unique } from "typeorm";
import type { WalletKind } from "@sigil/core";

/** An owner-signed (EIP-712) delegation of scopes to a bot's session key, by its JWK thumbprint. */
@Entity({ name: "delegations" })
@Index("IDX_delegations_owner_subject", ["ownerSubject"])
@Unique("UQ_delegations_owner_nonce", ["chainId", "ownerAddress", "nonce"])
export class DelegationEntity {
  @PrimaryColumn({ type: "uuid", primaryKeyConstraintName: "PK_delegations" })
  id!: string;

  @Column({ name: "owner_subject", type: "text" })
  ownerSubject!: string;

  @Column({ name: "owner_address", type: "text" })
  ownerAddress!: string;

  @Column({ name: "chain_id", type: "integer" })
  chainId!: number;

  /** The owner's wallet kind, copied onto the bot's sessions. */
  @Column({ name: "wallet_kind", type: "text" })
  walletKind!: WalletKind;

  /** RFC 7638 thumbprint of the session key: DPoP proofs must be signed by it. */
  @Column({ name: "delegate_jkt", type: "text" })
  delegateJkt!: string;

  @Column({ type: "text", array: true })
  scopes!: string[];

  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;

  /** 0 = no limit of its own. */
  @Column({ name: "max_requests_per_minute", type: "integer" })
  maxRequestsPerMinute!: number;

  /** Empty = any client address. */
  @Column({ name: "allowed_clients", type: "text", array: true })
  allowedClients!: string[];

  @Column({ type: "text" })
  nonce!: string;

  /** The owner's EIP-712 signature, kept as evidence. */
  @Column({ type: "text" })
  signature!: string;

  /** The EIP-712 digest the signature is of: a contract wallet is asked again at every mint. */
  @Column({ name: "signed_digest", type: "text", nullable: true })
  signedDigest!: string | null;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "revoked_at", type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  @Column({ name: "revoked_reason", type: "text", nullable: true })
  revokedReason!: string | null;
}
