import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Makes `audit_events` tamper-evident (SECURITY-TESTS I4): the database itself hash-chains every
 * row as it is inserted (whatever code inserts it: the login statement's CTE, services, scripts),
 * and refuses UPDATE, DELETE and TRUNCATE. `sigil audit verify` recomputes the chain.
 *
 * row.hash = sha256(prev_hash || utf8(audit_event_canonical(row))), prev_hash = the previous
 * row's hash (NULL for the first). `audit_chain_head` holds the last id and hash: its row lock
 * serialises writers, so id order is chain order, and a removed tail row shows.
 */
export class AuditChain1764500000000 implements MigrationInterface {
  readonly name = "AuditChain1764500000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DOWN) await queryRunner.query(statement);
  }
}

const UP = [
  `CREATE TABLE "audit_chain_head" (
    "id" integer NOT NULL DEFAULT 1,
    "last_id" bigint,
    "hash" bytea,
    CONSTRAINT "PK_audit_chain_head" PRIMARY KEY ("id"),
    CONSTRAINT "CHK_audit_chain_head_single_row" CHECK ("id" = 1)
  )`,
  // Rows written before this migration join the chain in id order.
  `INSERT INTO "audit_chain_head" ("id") VALUES (1)`,

  // The canonical text of a row: built-in jsonb rendering (key order and spacing are fixed);
  // the time as integer microseconds so the session's TimeZone cannot change it.
  `CREATE FUNCTION audit_event_canonical(
     p_id bigint, p_occurred_at timestamptz, p_type text, p_outcome text, p_subject text,
     p_chain_id integer, p_request_id text, p_data jsonb
   ) RETURNS text LANGUAGE sql STABLE AS $$
     SELECT jsonb_build_array(p_id, (extract(epoch FROM p_occurred_at) * 1000000)::bigint, p_type,
                              p_outcome, p_subject, p_chain_id, p_request_id, p_data)::text
   $$`,

  `CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     previous bytea;
   BEGIN
     SELECT hash INTO previous FROM audit_chain_head WHERE id = 1 FOR UPDATE;
     -- A fresh id taken under the head's lock, so ids follow the chain (the default's id is skipped).
     NEW.id := nextval(pg_get_serial_sequence('audit_events', 'id'));
     NEW.prev_hash := previous;
     NEW.hash := sha256(coalesce(previous, ''::bytea) || convert_to(audit_event_canonical(
       NEW.id, NEW.occurred_at, NEW.type, NEW.outcome, NEW.subject, NEW.chain_id, NEW.request_id, NEW.data
     ), 'UTF8'));
     UPDATE audit_chain_head SET last_id = NEW.id, hash = NEW.hash WHERE id = 1;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER "TRG_audit_events_chain" BEFORE INSERT ON "audit_events"
     FOR EACH ROW EXECUTE FUNCTION audit_events_chain()`,

  // Append-only: the table refuses changes, and the head changes only from the chain trigger.
  `CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_TABLE_NAME = 'audit_chain_head' AND TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN
       RETURN NEW;
     END IF;
     RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
       USING ERRCODE = 'insufficient_privilege';
   END $$`,
  `CREATE TRIGGER "TRG_audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events"
     FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`,
  `CREATE TRIGGER "TRG_audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
     FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`,
  `CREATE TRIGGER "TRG_audit_chain_head_guarded" BEFORE UPDATE OR DELETE ON "audit_chain_head"
     FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`,
  `CREATE TRIGGER "TRG_audit_chain_head_no_truncate" BEFORE TRUNCATE ON "audit_chain_head"
     FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`,

  // Chain the rows that predate this migration, in id order.
  `DO $$
   DECLARE
     r record;
     previous bytea := NULL;
     digest bytea;
   BEGIN
     ALTER TABLE audit_events DISABLE TRIGGER "TRG_audit_events_append_only";
     FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
       digest := sha256(coalesce(previous, ''::bytea) || convert_to(audit_event_canonical(
         r.id, r.occurred_at, r.type, r.outcome, r.subject, r.chain_id, r.request_id, r.data), 'UTF8'));
       UPDATE audit_events SET prev_hash = previous, hash = digest WHERE id = r.id;
       previous := digest;
     END LOOP;
     ALTER TABLE audit_events ENABLE TRIGGER "TRG_audit_events_append_only";
     ALTER TABLE audit_chain_head DISABLE TRIGGER "TRG_audit_chain_head_guarded";
     UPDATE audit_chain_head SET last_id = (SELECT max(id) FROM audit_events), hash = previous;
     ALTER TABLE audit_chain_head ENABLE TRIGGER "TRG_audit_chain_head_guarded";
   END $$`,
  // The role that runs migrations is the app's role: it keeps INSERT and SELECT only (a superuser
  // bypasses grants, hence the triggers as well).
  `REVOKE ALL ON "audit_events", "audit_chain_head" FROM PUBLIC`,
  `REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "audit_events" FROM CURRENT_USER`,
  `REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON "audit_chain_head" FROM CURRENT_USER`,
];

const DOWN = [
  `GRANT UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "audit_events" TO CURRENT_USER`,
  `DROP TRIGGER "TRG_audit_events_no_truncate" ON "audit_events"`,
  `DROP TRIGGER "TRG_audit_events_append_only" ON "audit_events"`,
  `DROP TRIGGER "TRG_audit_events_chain" ON "audit_events"`,
  `DROP TABLE "audit_chain_head"`,
  `DROP FUNCTION audit_events_refuse_change()`,
  `DROP FUNCTION audit_events_chain()`,
  `DROP FUNCTION audit_event_canonical(bigint, timestamptz, text, text, text, integer, text, jsonb)`,
];
