import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Bots: delegations (owner-signed EIP-712, bound to a session key's thumbprint), API keys (Ed25519
 * public key, or an HMAC secret sealed under the KEK), a replay table for signed-request nonces and
 * DPoP `jti`s, and on `sessions` the actor and the delegation or key a bot session belongs to.
 */
export class Bots1764700000000 implements MigrationInterface {
  readonly name = "Bots1764700000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DOWN) await queryRunner.query(statement);
  }
}

const UP = [
  `CREATE TABLE "delegations" (
    "id" uuid NOT NULL,
    "owner_subject" text NOT NULL,
    "owner_address" text NOT NULL,
    "chain_id" integer NOT NULL,
    "wallet_kind" text NOT NULL,
    "delegate_jkt" text NOT NULL,
    "scopes" text[] NOT NULL,
    "expires_at" timestamptz NOT NULL,
    "max_requests_per_minute" integer NOT NULL,
    "allowed_clients" text[] NOT NULL,
    "nonce" text NOT NULL,
    "signature" text NOT NULL,
    "created_at" timestamptz NOT NULL,
    "revoked_at" timestamptz,
    "revoked_reason" text,
    CONSTRAINT "PK_delegations" PRIMARY KEY ("id"),
    CONSTRAINT "UQ_delegations_owner_nonce" UNIQUE ("chain_id", "owner_address", "nonce")
  )`,
  `CREATE INDEX "IDX_delegations_owner_subject" ON "delegations" ("owner_subject")`,
  `CREATE TABLE "api_keys" (
    "id" text NOT NULL,
    "owner_subject" text NOT NULL,
    "owner_address" text NOT NULL,
    "chain_id" integer NOT NULL,
    "wallet_kind" text NOT NULL,
    "alg" text NOT NULL,
    "public_key" text,
    "kek_id" text,
    "wrapped_data_key" bytea,
    "secret_encrypted" bytea,
    "scopes" text[] NOT NULL,
    "expires_at" timestamptz NOT NULL,
    "max_requests_per_minute" integer NOT NULL,
    "allowed_clients" text[] NOT NULL,
    "replaces_id" text,
    "created_at" timestamptz NOT NULL,
    "revoked_at" timestamptz,
    "revoked_reason" text,
    CONSTRAINT "PK_api_keys" PRIMARY KEY ("id"),
    CONSTRAINT "CHK_api_keys_alg" CHECK ("alg" IN ('hmac-sha256', 'ed25519')),
    CONSTRAINT "CHK_api_keys_material" CHECK (
      ("alg" = 'ed25519' AND "public_key" IS NOT NULL AND "secret_encrypted" IS NULL)
      OR ("alg" = 'hmac-sha256' AND "public_key" IS NULL AND "secret_encrypted" IS NOT NULL
          AND "wrapped_data_key" IS NOT NULL AND "kek_id" IS NOT NULL))
  )`,
  `CREATE INDEX "IDX_api_keys_owner_subject" ON "api_keys" ("owner_subject")`,
  `CREATE TABLE "replay_nonces" (
    "key" text NOT NULL,
    "expires_at" timestamptz NOT NULL,
    CONSTRAINT "PK_replay_nonces" PRIMARY KEY ("key")
  )`,
  `CREATE INDEX "IDX_replay_nonces_expires_at" ON "replay_nonces" ("expires_at")`,
  `ALTER TABLE "sessions"
    ADD COLUMN "actor" text,
    ADD COLUMN "delegation_id" uuid,
    ADD COLUMN "api_key_id" text,
    ADD COLUMN "key_thumbprint" text,
    ADD CONSTRAINT "FK_sessions_delegation_id" FOREIGN KEY ("delegation_id") REFERENCES "delegations" ("id") ON DELETE CASCADE,
    ADD CONSTRAINT "FK_sessions_api_key_id" FOREIGN KEY ("api_key_id") REFERENCES "api_keys" ("id") ON DELETE CASCADE`,
  `CREATE INDEX "IDX_sessions_delegation_id" ON "sessions" ("delegation_id")`,
  `CREATE INDEX "IDX_sessions_api_key_id" ON "sessions" ("api_key_id")`,
];

const DOWN = [
  `DROP INDEX "IDX_sessions_api_key_id"`,
  `DROP INDEX "IDX_sessions_delegation_id"`,
  `ALTER TABLE "sessions"
    DROP CONSTRAINT "FK_sessions_api_key_id",
    DROP CONSTRAINT "FK_sessions_delegation_id",
    DROP COLUMN "key_thumbprint",
    DROP COLUMN "api_key_id",
    DROP COLUMN "delegation_id",
    DROP COLUMN "actor"`,
  `DROP TABLE "replay_nonces"`,
  `DROP TABLE "api_keys"`,
  `DROP TABLE "delegations"`,
];
