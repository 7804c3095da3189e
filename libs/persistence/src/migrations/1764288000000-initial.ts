import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The initial schema: nonces, sessions (= refresh families), refresh tokens, grants, audit events
 * and chain cursors. Hand-written to match the entities; the drift test keeps them in step.
 */
export class Initial1764288000000 implements MigrationInterface {
  readonly name = "Initial1764288000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DOWN) await queryRunner.query(statement);
  }
}

const UP = [
  `CREATE TABLE "nonces" (
    "nonce" text NOT NULL,
    "address" text,
    "chain_id" integer,
    "requested_scopes" text[],
    "issued_at" timestamptz NOT NULL,
    "expires_at" timestamptz NOT NULL,
    "consumed_at" timestamptz,
    CONSTRAINT "PK_nonces" PRIMARY KEY ("nonce")
  )`,
  `CREATE INDEX "IDX_nonces_expires_at" ON "nonces" ("expires_at")`,

  `CREATE TABLE "sessions" (
    "id" uuid NOT NULL,
    "subject" text NOT NULL,
    "address" text NOT NULL,
    "chain_id" integer NOT NULL,
    "wallet_kind" text NOT NULL,
    "scopes" text[] NOT NULL,
    "created_at" timestamptz NOT NULL,
    "last_used_at" timestamptz NOT NULL,
    "idle_expires_at" timestamptz NOT NULL,
    "absolute_expires_at" timestamptz NOT NULL,
    "revoked_at" timestamptz,
    "revoked_reason" text,
    "client_address" text,
    "user_agent" text,
    CONSTRAINT "PK_sessions" PRIMARY KEY ("id"),
    CONSTRAINT "CHK_sessions_wallet_kind" CHECK ("wallet_kind" IN ('eoa', 'eip1271', 'eip6492'))
  )`,
  `CREATE INDEX "IDX_sessions_address_chain_id" ON "sessions" ("address", "chain_id")`,

  `CREATE TABLE "refresh_tokens" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "session_id" uuid NOT NULL,
    "token_hash" bytea NOT NULL,
    "parent_id" uuid,
    "created_at" timestamptz NOT NULL,
    "expires_at" timestamptz NOT NULL,
    "used_at" timestamptz,
    "revoked_at" timestamptz,
    "replaced_by_id" uuid,
    CONSTRAINT "PK_refresh_tokens" PRIMARY KEY ("id"),
    CONSTRAINT "UQ_refresh_tokens_token_hash" UNIQUE ("token_hash"),
    CONSTRAINT "FK_refresh_tokens_session_id" FOREIGN KEY ("session_id")
      REFERENCES "sessions" ("id") ON DELETE CASCADE
  )`,
  // Revoking a family and the FK cascade both look rows up by session.
  `CREATE INDEX "IDX_refresh_tokens_session_id" ON "refresh_tokens" ("session_id")`,

  `CREATE TABLE "grants" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "session_id" uuid,
    "subject" text NOT NULL,
    "actor" text,
    "method" text NOT NULL,
    "scopes_requested" text[],
    "scopes_granted" text[] NOT NULL,
    "roles" jsonb NOT NULL,
    "chain_id" integer NOT NULL,
    "block_number" bigint NOT NULL,
    "block_hash" text NOT NULL,
    "client_address" text,
    "user_agent" text,
    "issued_at" timestamptz NOT NULL,
    "expires_at" timestamptz NOT NULL,
    "revoked_at" timestamptz,
    "revoked_reason" text,
    "revoked_block_number" bigint,
    CONSTRAINT "PK_grants" PRIMARY KEY ("id"),
    CONSTRAINT "CHK_grants_method" CHECK ("method" IN ('siwe', 'refresh', 'delegation', 'api_key')),
    CONSTRAINT "FK_grants_session_id" FOREIGN KEY ("session_id")
      REFERENCES "sessions" ("id") ON DELETE SET NULL
  )`,
  `CREATE INDEX "IDX_grants_subject_issued_at" ON "grants" ("subject", "issued_at" DESC)`,
  `CREATE INDEX "IDX_grants_session_id" ON "grants" ("session_id")`,

  `CREATE TABLE "audit_events" (
    "id" bigint GENERATED ALWAYS AS IDENTITY,
    "occurred_at" timestamptz NOT NULL,
    "type" text NOT NULL,
    "outcome" text NOT NULL,
    "subject" text,
    "chain_id" integer,
    "request_id" text,
    "data" jsonb NOT NULL DEFAULT '{}',
    "prev_hash" bytea,
    "hash" bytea,
    CONSTRAINT "PK_audit_events" PRIMARY KEY ("id"),
    CONSTRAINT "CHK_audit_events_outcome" CHECK ("outcome" IN ('success', 'failure', 'info'))
  )`,

  `CREATE TABLE "chain_cursors" (
    "chain_id" integer NOT NULL,
    "genesis_hash" text NOT NULL,
    "registry_address" text NOT NULL,
    "block_number" bigint NOT NULL,
    "block_hash" text NOT NULL,
    "updated_at" timestamptz NOT NULL,
    CONSTRAINT "PK_chain_cursors" PRIMARY KEY ("chain_id")
  )`,
];

// Reverse order of creation; indexes and constraints go with their tables.
const DOWN = [
  `DROP TABLE "chain_cursors"`,
  `DROP TABLE "audit_events"`,
  `DROP TABLE "grants"`,
  `DROP TABLE "refresh_tokens"`,
  `DROP TABLE "sessions"`,
  `DROP TABLE "nonces"`,
];
