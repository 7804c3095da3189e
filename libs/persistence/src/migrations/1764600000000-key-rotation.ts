import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Signing-key rotation and envelope encryption: each private key under its own data key, wrapped
 * by a KEK named in `kek_id`; `activated_at`/`retired_at` become planned times (publish-before-use).
 */
export class KeyRotation1764600000000 implements MigrationInterface {
  readonly name = "KeyRotation1764600000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DOWN) await queryRunner.query(statement);
  }
}

const UP = [
  `ALTER TABLE "signing_keys"
    ADD COLUMN "kek_id" text,
    ADD COLUMN "wrapped_data_key" bytea,
    ALTER COLUMN "private_key_encrypted" DROP NOT NULL`,
  // Keys sealed directly under the KEK never sign again: their private half is dropped, their public
  // half stays published for the longest access-token lifetime (900 s) plus 60 s of clock skew.
  `UPDATE "signing_keys" SET "private_key_encrypted" = NULL,
    "activated_at" = COALESCE("activated_at", "created_at"),
    "retired_at" = LEAST(COALESCE("retired_at", 'infinity'), now() + interval '960 seconds')`,
  `ALTER TABLE "signing_keys" ALTER COLUMN "activated_at" SET NOT NULL`,
  `ALTER TABLE "signing_keys" ADD CONSTRAINT "CHK_signing_keys_sealed" CHECK (
    ("private_key_encrypted" IS NULL AND "wrapped_data_key" IS NULL AND "kek_id" IS NULL)
    OR ("private_key_encrypted" IS NOT NULL AND "wrapped_data_key" IS NOT NULL AND "kek_id" IS NOT NULL))`,
  `CREATE INDEX "IDX_signing_keys_kek_id" ON "signing_keys" ("kek_id")`,
];

const DOWN = [
  `DROP INDEX "IDX_signing_keys_kek_id"`,
  `ALTER TABLE "signing_keys" DROP CONSTRAINT "CHK_signing_keys_sealed"`,
  // The former format cannot hold enveloped keys: the previous release creates a fresh one at boot.
  `DELETE FROM "signing_keys"`,
  `ALTER TABLE "signing_keys" ALTER COLUMN "activated_at" DROP NOT NULL`,
  `ALTER TABLE "signing_keys" DROP COLUMN "wrapped_data_key", DROP COLUMN "kek_id",
    ALTER COLUMN "private_key_encrypted" SET NOT NULL`,
];
