/**
 * One login as ONE statement (the hot path): consume the nonce and, only if that succeeded,
 * insert session, first refresh token, grant and audit event. A single statement is atomic, and
 * a concurrent consumer of the same nonce re-checks the row after we commit and inserts nothing.
 * The nonce must be live, unused and, if its challenge named them, for this address and chain:
 * an EOA sign-in relies on this alone (no earlier look at the nonce).
 * Returns `created` = 1 on success, 0 when the nonce could not be consumed. A prepared statement
 * (`runPrepared`): planning these five CTEs cost as much Postgres CPU as running them.
 */
export const RECORD_LOGIN = {
  name: "sigil_record_login_v1",
  text: `
WITH consumed AS (
  UPDATE nonces SET consumed_at = $2
   WHERE nonce = $1 AND consumed_at IS NULL AND expires_at > $2
     AND (address IS NULL OR address = $5) AND (chain_id IS NULL OR chain_id = $6)
  RETURNING nonce
), session AS (
  INSERT INTO sessions (id, subject, address, chain_id, wallet_kind, scopes, requested_scopes, created_at,
                        last_used_at, idle_expires_at, absolute_expires_at, client_address, user_agent,
                        login_message, login_signature)
  SELECT $3, $4, $5, $6, $7, $8, $9, $2, $2, $10, $11, $12, $13, $14, $15 FROM consumed
  RETURNING id
), refresh AS (
  INSERT INTO refresh_tokens (session_id, token_hash, created_at, expires_at)
  SELECT id, $16, $2, $10 FROM session
), granted AS (
  INSERT INTO grants (session_id, subject, method, scopes_requested, scopes_granted, roles, chain_id,
                      block_number, block_hash, client_address, user_agent, issued_at, expires_at)
  SELECT id, $4, 'siwe', $9, $8, $17::jsonb, $6, $18, $19, $12, $13, $2, $20 FROM session
), audited AS (
  INSERT INTO audit_events (occurred_at, type, outcome, subject, chain_id, request_id, data)
  SELECT $2, 'login', 'success', $4, $6, $21, $22::jsonb FROM session
)
SELECT count(*)::int AS created FROM session`,
} as const;
