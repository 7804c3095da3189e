import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Sign-in needs three more things: what a session asked for and, for contract wallets, the signed
 * login (re-checked on refresh); an ordered revocation feed for resource servers; signing keys.
 */
export class SessionsRevocationsKeys1764300000000 implements MigrationInterface {
  readonly name = "SessionsRevocationsKeys1764300000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DOWN) await queryRunner.query(statement);
  }
}

const UP = [
  // NULL requested_scopes means "everything the roles allow"; login_* only for contract wallets.
  `ALTER TABLE "sessions"
    ADD COLUMN "requested_scopes" text[],
    ADD COLUMN "login_message" text,
    ADD COLUMN "login_signature" text`,

  `CREATE TABLE "revocations" (
    "id" bigint GENERATED ALWAYS AS IDENTITY,
    "session_id" uuid NOT NULL,
    "reason" text NOT NULL,
    "revoked_at" timestamptz NOT NULL,
    "expires_at" timestamptz NOT NULL,
    CONSTRAINT "PK_revocations" PRIMARY KEY ("id"),
    CONSTRAINT "FK_revocations_session_id" FOREIGN KEY ("session_id")
      REFERENCES "sessions" ("id") ON DELETE CASCADE
  )`,
  `CREATE INDEX "IDX_revocations_revoked_at" ON "revocations" ("revoked_at")`,

  `CREATE TABLE "signing_keys" (
    "kid" text NOT NULL,
    "alg" text NOT NULL,
    "public_jwk" jsonb NOT NULL,
    "private_key_encrypted" bytea NOT NULL,
    "created_at" timestamptz NOT NULL,
    "activated_at" timestamptz,
    "retired_at" timestamptz,
    CONSTRAINT "PK_signing_keys" PRIMARY KEY ("kid"),
    CONSTRAINT "CHK_signing_keys_alg" CHECK ("alg" IN ('ES256'))
  )`,
];

const DOWN = [
  `DROP TABLE "signing_keys"`,
  `DROP INDEX "IDX_revocations_revoked_at"`,
  `DROP TABLE "revocations"`,
  `ALTER TABLE "sessions" DROP COLUMN "login_signature", DROP COLUMN "login_message", DROP COLUMN "requested_scopes"`,
];
