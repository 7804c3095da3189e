import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 19: policy sources' logs the follower applied, keyed by chain position like
 * `chain_role_events`, so each is applied once and a reorg forgets exactly those above its fork.
 */
export class PolicyEvents1764950000000 implements MigrationInterface {
  readonly name = "PolicyEvents1764950000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DOWN) await queryRunner.query(statement);
  }
}

const UP = [
  `CREATE TABLE "chain_policy_events" (
     "chain_id" integer NOT NULL,
     "block_hash" text NOT NULL,
     "tx_hash" text NOT NULL,
     "log_index" integer NOT NULL,
     "block_number" bigint NOT NULL,
     "source" text NOT NULL,
     "accounts" text[] NOT NULL,
     "holders_of" text[],
     "ends" boolean NOT NULL DEFAULT false,
     "applied_at" timestamptz NOT NULL,
     CONSTRAINT "PK_chain_policy_events" PRIMARY KEY ("chain_id", "block_hash", "tx_hash", "log_index"))`,
  `CREATE INDEX "IDX_chain_policy_events_order" ON "chain_policy_events" ("chain_id", "block_number", "log_index")`,
];

const DOWN = [`DROP INDEX "IDX_chain_policy_events_order"`, `DROP TABLE "chain_policy_events"`];
