import { NotFoundError } from "@sigil/core";
import { SessionEntity } from "@sigil/persistence";
import { type EntityManager, IsNull } from "typeorm";
import type { AuditService } from "../../platform/audit/audit.service.js";
import type { SessionService } from "../../sessions/session.service.js";

const KINDS = {
  delegation: {
    table: "delegations",
    column: "delegationId",
    reason: "delegation_revoked",
    idField: "delegationId",
  },
  api_key: { table: "api_keys", column: "apiKeyId", reason: "api_key_revoked", idField: "apiKeyId" },
} as const;

export interface RevokeBotCredentialParameters {
  manager: EntityManager;
  sessions: SessionService;
  audit: AuditService;
  kind: keyof typeof KINDS;
  id: string;
  /** The caller: another owner's credential is "not found" (C2). */
  owner: string;
  now: Date;
  requestId: string;
  /** Why, when not the owner's request: the wallet no longer accepts its signer (J4). */
  reason?: "wallet_signature_invalid";
}

/**
 * Revokes a delegation or API key (locked) and ends every bot session it issued, each with its
 * feed and audit rows, inside the caller's transaction. Revoking twice is a no-op.
 */
export async function revokeBotCredential(p: RevokeBotCredentialParameters): Promise<void> {
  const kind = KINDS[p.kind];
  const [row] = (await p.manager.query(
    `SELECT owner_subject, chain_id, revoked_at FROM ${kind.table} WHERE id = $1 FOR UPDATE`,
    [p.id],
  )) as { owner_subject: string; chain_id: number; revoked_at: Date | null }[];
  if (!row || row.owner_subject !== p.owner) throw new NotFoundError(`no such ${p.kind.replace("_", " ")}`);
  if (row.revoked_at !== null) return;
  await p.manager.query(`UPDATE ${kind.table} SET revoked_at = $2, revoked_reason = $3 WHERE id = $1`, [
    p.id,
    p.now,
    p.reason ?? "revoked_by_owner",
  ]);
  const live = await p.manager.getRepository(SessionEntity).find({
    where: { [kind.column]: p.id, revokedAt: IsNull() },
    lock: { mode: "pessimistic_write" },
  });
  for (const session of live) {
    await p.sessions.revokeWithin(p.manager, {
      session,
      reason: p.reason ?? kind.reason,
      now: p.now,
      requestId: p.requestId,
    });
  }
  await p.audit.record(p.manager, {
    type: `${p.kind}_revoked`,
    outcome: "info",
    subject: row.owner_subject,
    chainId: row.chain_id,
    requestId: p.requestId,
    occurredAt: p.now,
    data: { [kind.idField]: p.id, sessionsRevoked: live.length, reason: p.reason ?? "revoked_by_owner" },
  });
}
