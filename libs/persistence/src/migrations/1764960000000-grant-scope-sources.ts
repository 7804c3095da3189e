import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 19 (P7): a grant records, per granted scope, the policy rule and the sources (chain,
 * contract, block number and hash) behind it; a session keeps when its scopes lapse by themselves
 * (an attestation's expiry), for a later re-check. Null on rows written before.
 */
export class GrantScopeSources1764960000000 implements MigrationInterface {
  readonly name = "GrantScopeSources1764960000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DOWN) await queryRunner.query(statement);
  }
}

const UP = [
  `ALTER TABLE "grants" ADD "scope_sources" jsonb`,
  `ALTER TABLE "sessions" ADD "scopes_valid_until" timestamptz`,
  // The follower looks for lapsed sessions every step: only live sessions with a lapse time are indexed.
  `CREATE INDEX "IDX_sessions_scopes_valid_until" ON "sessions" ("scopes_valid_until")
     WHERE "scopes_valid_until" IS NOT NULL AND "revoked_at" IS NULL`,
];

const DOWN = [
  `DROP INDEX "IDX_sessions_scopes_valid_until"`,
  `ALTER TABLE "sessions" DROP COLUMN "scopes_valid_until"`,
  `ALTER TABLE "grants" DROP COLUMN "scope_sources"`,
];
