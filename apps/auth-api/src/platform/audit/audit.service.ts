import { Injectable } from "@nestjs/common";
import { type AuditEvent, recordAuditEvent } from "@sigil/persistence";
import type { EntityManager } from "typeorm";

export type { AuditEvent };

/** Appends audit events inside the caller's transaction, so they commit or vanish with the change. */
@Injectable()
export class AuditService {
  record(manager: EntityManager, event: AuditEvent): Promise<void> {
    return recordAuditEvent(manager, event);
  }
}
