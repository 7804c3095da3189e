import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Chain role sync: every registry event applied, keyed by where it happened (chain, block hash,
 * transaction, log index), and the block hashes the follower saw, to find the fork point of a
 * reorg. Revocation feed rows may now narrow a session (scopes kept) instead of ending it, and a
 * grant can be re-issued by the follower itself.
 */
export class RoleSync1764400000000 implements MigrationInterface {
  readonly name = "RoleSync1764400000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DOWN) await queryRunner.query(statement);
  }
}

const UP = [
  `CREATE TABLE "chain_role_events" (
    "chain_id" integer NOT NULL,
    "block_hash" text NOT NULL,
    "tx_hash" text NOT NULL,
    "log_index" integer NOT NULL,
    "block_number" bigint NOT NULL,
    "kind" text NOT NULL,
    "role" text NOT NULL,
    "account" text,
    "scope" text,
    "name" text,
    "applied_at" timestamptz NOT NULL,
    CONSTRAINT "PK_chain_role_events" PRIMARY KEY ("chain_id", "block_hash", "tx_hash", "log_index"),
    CONSTRAINT "CHK_chain_role_events_kind" CHECK ("kind" IN
      ('role_defined', 'role_granted', 'role_revoked', 'scope_added', 'scope_removed'))
  )`,
  `CREATE INDEX "IDX_chain_role_events_order" ON "chain_role_events" ("chain_id", "block_number", "log_index")`,

  `CREATE TABLE "chain_blocks" (
    "chain_id" integer NOT NULL,
    "block_number" bigint NOT NULL,
    "block_hash" text NOT NULL,
    CONSTRAINT "PK_chain_blocks" PRIMARY KEY ("chain_id", "block_number")
  )`,

  // Non-null: the session lives on with only these scopes (tokens issued before revoked_at narrow).
  `ALTER TABLE "revocations" ADD COLUMN "scopes" text[]`,

  `ALTER TABLE "grants" DROP CONSTRAINT "CHK_grants_method"`,
  `ALTER TABLE "grants" ADD CONSTRAINT "CHK_grants_method"
    CHECK ("method" IN ('siwe', 'refresh', 'delegation', 'api_key', 'chain_sync'))`,
];

const DOWN = [
  `DELETE FROM "grants" WHERE "method" = 'chain_sync'`,
  `ALTER TABLE "grants" DROP CONSTRAINT "CHK_grants_method"`,
  `ALTER TABLE "grants" ADD CONSTRAINT "CHK_grants_method"
    CHECK ("method" IN ('siwe', 'refresh', 'delegation', 'api_key'))`,
  `ALTER TABLE "revocations" DROP COLUMN "scopes"`,
  `DROP TABLE "chain_blocks"`,
  `DROP INDEX "IDX_chain_role_events_order"`,
  `DROP TABLE "chain_role_events"`,
];
