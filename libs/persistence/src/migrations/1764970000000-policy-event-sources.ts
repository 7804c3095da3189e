import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 19: a log of a contract that two policy sources read speaks for both; `source` kept only
 * the first. Each row now lists every source it was recorded for.
 */
export class PolicyEventSources1764970000000 implements MigrationInterface {
  readonly name = "PolicyEventSources1764970000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "chain_policy_events" ALTER COLUMN "source" TYPE text[] USING ARRAY["source"]`,
    );
    await queryRunner.query(`ALTER TABLE "chain_policy_events" RENAME COLUMN "source" TO "sources"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "chain_policy_events" RENAME COLUMN "sources" TO "source"`);
    await queryRunner.query(
      `ALTER TABLE "chain_policy_events" ALTER COLUMN "source" TYPE text USING "source"[1]`,
    );
  }
}
