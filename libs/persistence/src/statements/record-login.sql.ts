import type { ScopeProvenance, WalletKind } from "@sigil/core";
import { runPrepared } from "../queries/prepared-statement.js";
import { jsonOrNull } from "./grant-record.js";
import { createStatementBatcher, type StatementBatcher } from "../queries/statement-batcher.js";
import type { DataSource } from "typeorm";

/** Everything one login writes: its nonce's consumption, session, refresh token, grant, audit event. */
export interface LoginRecord {
  nonce: string;
  now: Date;
  sessionId: string;
  subject: string;
  address: string;
  chainId: number;
  walletKind: WalletKind;
  grantedScopes: string[];
  requestedScopes: string[] | null;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  clientAddress: string | null;
  userAgent: string | null;
  /** Contract wallets only: kept to re-verify on refresh (A9). */
  loginMessage: string | null;
  loginSignature: string | null;
  refreshTokenHash: Buffer;
  roles: readonly { id: string; name: string; scopes: readonly string[] }[];
  blockNumber: bigint;
  blockHash: string;
  /** The access token's expiry, which the grant records. */
  grantExpiresAt: Date;
  /** Per granted scope, its rule and sources (P7); null when the read recorded none. */
  scopeSources: Record<string, ScopeProvenance> | null;
  /** When the snapshot's answers lapse by themselves (an attestation's expiry); null: never. */
  scopesValidUntil: Date | null;
  requestId: string;
  auditData: Record<string, unknown>;
}

/**
 * One login as ONE statement: consume the nonce and, only if that succeeded, insert session, first
 * refresh token, grant and audit event. A single statement is atomic, and a concurrent consumer of
 * the same nonce re-checks the row after we commit and inserts nothing. The nonce must be live,
 * unused and, if its challenge named them, for this address and chain: an EOA sign-in relies on
 * this alone (no earlier look at the nonce). Returns `created` = 1 on success, 0 when the nonce
 * could not be consumed. A prepared statement (`runPrepared`): planning these five CTEs cost as
 * much Postgres CPU as running them. RECORD_LOGINS writes the same rows for many logins; this
 * one-row form stays because a batch of one through jsonb_to_recordset costs Postgres more CPU
 * per sign-in (docs/benchmarks.md). A spec holds the two to
 * writing the same rows.
 */
export const RECORD_LOGIN = {
  name: "sigil_record_login_v2",
  text: `
WITH consumed AS (
  UPDATE nonces SET consumed_at = $2
   WHERE nonce = $1 AND consumed_at IS NULL AND expires_at > $2
     AND (address IS NULL OR address = $5) AND (chain_id IS NULL OR chain_id = $6)
  RETURNING nonce
), session AS (
  INSERT INTO sessions (id, subject, address, chain_id, wallet_kind, scopes, requested_scopes, created_at,
                        last_used_at, idle_expires_at, absolute_expires_at, client_address, user_agent,
                        login_message, login_signature, scopes_valid_until)
  SELECT $3, $4, $5, $6, $7, $8, $9, $2, $2, $10, $11, $12, $13, $14, $15, $24 FROM consumed
  RETURNING id
), refresh AS (
  INSERT INTO refresh_tokens (session_id, token_hash, created_at, expires_at)
  SELECT id, $16, $2, $10 FROM session
), granted AS (
  INSERT INTO grants (session_id, subject, method, scopes_requested, scopes_granted, roles, chain_id,
                      block_number, block_hash, client_address, user_agent, issued_at, expires_at, scope_sources)
  SELECT id, $4, 'siwe', $9, $8, $17::jsonb, $6, $18, $19, $12, $13, $2, $20, $23::jsonb FROM session
), audited AS (
  INSERT INTO audit_events (occurred_at, type, outcome, subject, chain_id, request_id, data)
  SELECT $2, 'login', 'success', $4, $6, $21, $22::jsonb FROM session
)
SELECT count(*)::int AS created FROM session`,
} as const;

/**
 * Many logins as ONE statement (group commit): the same writes as RECORD_LOGIN for every row of
 * `$1`, a JSON array of login records. Each row's writes still depend on its own nonce being
 * consumed, and two rows naming the same nonce cannot both consume it: an UPDATE … FROM changes
 * a row once and returns the one input row it used. Returns the ids of the sessions created.
 */
export const RECORD_LOGINS = {
  name: "sigil_record_logins_v2",
  text: `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
    nonce text, now timestamptz, session_id uuid, subject text, address text, chain_id integer,
    wallet_kind text, scopes text[], requested_scopes text[], idle_expires_at timestamptz,
    absolute_expires_at timestamptz, client_address text, user_agent text, login_message text,
    login_signature text, refresh_hash bytea, roles jsonb, block_number bigint, block_hash text,
    grant_expires_at timestamptz, request_id text, audit_data jsonb, scope_sources jsonb,
    scopes_valid_until timestamptz)
), consumed AS (
  UPDATE nonces n SET consumed_at = i.now
    FROM input i
   WHERE n.nonce = i.nonce AND n.consumed_at IS NULL AND n.expires_at > i.now
     AND (n.address IS NULL OR n.address = i.address) AND (n.chain_id IS NULL OR n.chain_id = i.chain_id)
  RETURNING i.session_id
), session AS (
  INSERT INTO sessions (id, subject, address, chain_id, wallet_kind, scopes, requested_scopes, created_at,
                        last_used_at, idle_expires_at, absolute_expires_at, client_address, user_agent,
                        login_message, login_signature, scopes_valid_until)
  SELECT i.session_id, i.subject, i.address, i.chain_id, i.wallet_kind, i.scopes, i.requested_scopes, i.now,
         i.now, i.idle_expires_at, i.absolute_expires_at, i.client_address, i.user_agent, i.login_message,
         i.login_signature, i.scopes_valid_until
    FROM input i JOIN consumed c ON c.session_id = i.session_id
  RETURNING id
), created AS (
  SELECT i.* FROM input i JOIN session s ON s.id = i.session_id
), refresh AS (
  INSERT INTO refresh_tokens (session_id, token_hash, created_at, expires_at)
  SELECT session_id, refresh_hash, now, idle_expires_at FROM created
), granted AS (
  INSERT INTO grants (session_id, subject, method, scopes_requested, scopes_granted, roles, chain_id,
                      block_number, block_hash, client_address, user_agent, issued_at, expires_at, scope_sources)
  SELECT session_id, subject, 'siwe', requested_scopes, scopes, roles, chain_id, block_number, block_hash,
         client_address, user_agent, now, grant_expires_at, scope_sources FROM created
), audited AS (
  INSERT INTO audit_events (occurred_at, type, outcome, subject, chain_id, request_id, data)
  SELECT now, 'login', 'success', subject, chain_id, request_id, audit_data FROM created
)
SELECT session_id AS id FROM created`,
} as const;

/**
 * Records logins, several per statement under load (`createStatementBatcher`): one round trip,
 * one commit and one turn at the audit chain's lock for the batch instead of for each login.
 * Settles with true when the login's nonce was consumed and everything written, false when the
 * nonce could not be consumed (nothing written for it).
 */
export function createLoginRecorder(
  dataSource: DataSource,
  onBatch?: (size: number) => void,
): StatementBatcher<LoginRecord, boolean> {
  return createStatementBatcher<LoginRecord, boolean>({
    onBatch,
    runOne: (record) => recordLogin(dataSource, record),
    runBatch: (records) => recordLogins(dataSource, records),
  });
}

/** RECORD_LOGIN: true when the nonce was consumed and everything written. */
export async function recordLogin(dataSource: DataSource, record: LoginRecord): Promise<boolean> {
  const [row] = await runPrepared<{ created: number }>(dataSource, RECORD_LOGIN, recordLoginValues(record));
  return row?.created === 1;
}

/** RECORD_LOGINS: for each record, true when its nonce was consumed and everything written. */
export async function recordLogins(
  dataSource: DataSource,
  records: readonly LoginRecord[],
): Promise<boolean[]> {
  const rows = await runPrepared<{ id: string }>(dataSource, RECORD_LOGINS, [
    JSON.stringify(records.map(recordLoginsRow)),
  ]);
  const created = new Set(rows.map((row) => row.id));
  return records.map((record) => created.has(record.sessionId));
}

function recordLoginValues(r: LoginRecord): unknown[] {
  return [
    r.nonce,
    r.now,
    r.sessionId,
    r.subject,
    r.address,
    r.chainId,
    r.walletKind,
    r.grantedScopes,
    r.requestedScopes,
    r.idleExpiresAt,
    r.absoluteExpiresAt,
    r.clientAddress,
    r.userAgent,
    r.loginMessage,
    r.loginSignature,
    r.refreshTokenHash,
    JSON.stringify(r.roles),
    r.blockNumber.toString(),
    r.blockHash,
    r.grantExpiresAt,
    r.requestId,
    JSON.stringify(r.auditData),
    jsonOrNull(r.scopeSources),
    r.scopesValidUntil,
  ];
}

function recordLoginsRow(r: LoginRecord): Record<string, unknown> {
  return {
    nonce: r.nonce,
    now: r.now.toISOString(),
    session_id: r.sessionId,
    subject: r.subject,
    address: r.address,
    chain_id: r.chainId,
    wallet_kind: r.walletKind,
    scopes: r.grantedScopes,
    requested_scopes: r.requestedScopes,
    idle_expires_at: r.idleExpiresAt.toISOString(),
    absolute_expires_at: r.absoluteExpiresAt.toISOString(),
    client_address: r.clientAddress,
    user_agent: r.userAgent,
    login_message: r.loginMessage,
    login_signature: r.loginSignature,
    refresh_hash: `\\x${r.refreshTokenHash.toString("hex")}`,
    roles: r.roles,
    block_number: r.blockNumber.toString(),
    block_hash: r.blockHash,
    grant_expires_at: r.grantExpiresAt.toISOString(),
    request_id: r.requestId,
    audit_data: r.auditData,
    scope_sources: r.scopeSources,
    scopes_valid_until: r.scopesValidUntil?.toISOString() ?? null,
  };
}
