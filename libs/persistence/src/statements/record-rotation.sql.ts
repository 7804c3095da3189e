import { type AccessSnapshot, grantedProvenance } from "@sigil/core";
import type { EntityManager } from "typeorm";
import { blockOf, grantRoles, jsonOrNull, type RequestContext } from "./grant-record.js";

/** Everything a rotation writes once its token and session are locked and checked. */
export interface RotationRecord {
  now: Date;
  sessionId: string;
  subject: string;
  chainId: number;
  /** The presented (now spent) token and its successor. */
  spentTokenId: string;
  nextTokenId: string;
  nextTokenHash: Buffer;
  idleExpiresAt: Date;
  requestedScopes: string[] | null;
  grantedScopes: string[];
  access: AccessSnapshot;
  context: RequestContext;
  /** The new access token's expiry, which the grant records. */
  grantExpiresAt: Date;
}

/**
 * A rotation's five writes as ONE statement (one round trip instead of five inside the caller's
 * transaction): the successor token (with the client it is answered to, which a grace replay must
 * match), the spent token's use (a grace replay keeps the first use), the session's scopes, idle
 * expiry and when its scopes lapse, the `refresh` grant and the `token_refreshed` audit event.
 */
export const RECORD_ROTATION = `
WITH next AS (
  INSERT INTO refresh_tokens (id, session_id, token_hash, parent_id, created_at, expires_at,
                              client_address, user_agent)
  VALUES ($1, $2, $3, $4, $5, $6, $14, $15)
), spent AS (
  UPDATE refresh_tokens SET used_at = COALESCE(used_at, $5), replaced_by_id = $1 WHERE id = $4
), session AS (
  UPDATE sessions SET scopes = $7, last_used_at = $5, idle_expires_at = $6, scopes_valid_until = $21 WHERE id = $2
), granted AS (
  INSERT INTO grants (session_id, subject, method, scopes_requested, scopes_granted, roles, chain_id,
                      block_number, block_hash, client_address, user_agent, issued_at, expires_at, scope_sources)
  VALUES ($2, $8, 'refresh', $9, $7, $10::jsonb, $11, $12, $13, $14, $15, $5, $16, $20::jsonb)
)
INSERT INTO audit_events (occurred_at, type, outcome, subject, chain_id, request_id, data)
VALUES ($5, 'token_refreshed', 'success', $8, $17, $18, $19::jsonb)`;

/** Runs {@link RECORD_ROTATION} for `r` inside `manager`'s transaction. */
export async function recordRotation(manager: EntityManager, r: RotationRecord): Promise<void> {
  const { block } = r.access;
  await manager.query(RECORD_ROTATION, [
    r.nextTokenId,
    r.sessionId,
    r.nextTokenHash,
    r.spentTokenId,
    r.now,
    r.idleExpiresAt,
    r.grantedScopes,
    r.subject,
    r.requestedScopes,
    JSON.stringify(grantRoles(r.access)),
    block.chainId,
    block.number.toString(),
    block.hash,
    r.context.clientAddress,
    r.context.userAgent,
    r.grantExpiresAt,
    r.chainId,
    r.context.requestId,
    JSON.stringify({ sessionId: r.sessionId, scopes: r.grantedScopes, block: blockOf(r.access) }),
    jsonOrNull(grantedProvenance({ provenance: r.access.provenance, granted: r.grantedScopes })),
    r.access.validUntil ?? null,
  ]);
}
