import type { EntityManager } from "typeorm";
import { type AuditOutcome, AuditEventEntity } from "../entities/audit-event.entity.js";

/** One audit event (SECURITY-TESTS I1): what happened, to whom, on which chain, for which request. */
export interface AuditEvent {
  type: string;
  outcome: AuditOutcome;
  subject?: string | null;
  chainId?: number | null;
  requestId?: string | null;
  data?: Record<string, unknown>;
  occurredAt: Date;
}

/** Appends one audit event inside the caller's transaction (the service's AuditService, the key store, the CLI). */
export async function recordAuditEvent(manager: EntityManager, event: AuditEvent): Promise<void> {
  await manager.getRepository(AuditEventEntity).insert({
    type: event.type,
    outcome: event.outcome,
    subject: event.subject ?? null,
    chainId: event.chainId ?? null,
    requestId: event.requestId ?? null,
    // jsonb column: TypeORM's insert typing cannot express an open record.
    data: (event.data ?? {}) as never,
    occurredAt: event.occurredAt,
  });
}
