import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 17: the client a refresh token was answered to (a grace replay must come from it, J2), and
 * the digest and signature by which a contract wallet authorised a delegation or API key, to ask
 * the wallet again whenever they mint a token (J4). Null on rows written before.
 */
export class CredentialBinding1764817000000 implements MigrationInterface {
  readonly name = "CredentialBinding1764817000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DOWN) await queryRunner.query(statement);
  }
}

const UP = [
  `ALTER TABLE "refresh_tokens" ADD "client_address" text`,
  `ALTER TABLE "refresh_tokens" ADD "user_agent" text`,
  `ALTER TABLE "delegations" ADD "signed_digest" text`,
  `ALTER TABLE "api_keys" ADD "owner_digest" text`,
  `ALTER TABLE "api_keys" ADD "owner_signature" text`,
];

const DOWN = [
  `ALTER TABLE "api_keys" DROP COLUMN "owner_signature"`,
  `ALTER TABLE "api_keys" DROP COLUMN "owner_digest"`,
  `ALTER TABLE "delegations" DROP COLUMN "signed_digest"`,
  `ALTER TABLE "refresh_tokens" DROP COLUMN "user_agent"`,
  `ALTER TABLE "refresh_tokens" DROP COLUMN "client_address"`,
];
