import { type AccessSnapshot, grantedProvenance, type ScopeProvenance } from "@sigil/core";
import type { EntityManager } from "typeorm";
import { GrantEntity, type GrantMethod } from "../entities/grant.entity.js";
import { grantRoles, type RequestContext } from "./grant-record.js";

/** Writes one grant row in the caller's transaction (a rotation's is part of its own statement). */
export async function insertGrant(
  manager: EntityManager,
  p: {
    method: GrantMethod;
    sessionId: string;
    subject: string;
    actor?: string;
    requestedScopes: string[] | undefined;
    grantedScopes: string[];
    access: AccessSnapshot;
    context: RequestContext;
    now: Date;
    expiresAt: Date;
    /** Overrides the snapshot's provenance (restricted to the granted scopes) when given. */
    scopeSources?: Record<string, ScopeProvenance> | null;
  },
): Promise<void> {
  await manager.getRepository(GrantEntity).insert({
    sessionId: p.sessionId,
    subject: p.subject,
    actor: p.actor ?? null,
    method: p.method,
    scopesRequested: p.requestedScopes ?? null,
    scopesGranted: p.grantedScopes,
    roles: grantRoles(p.access),
    chainId: p.access.block.chainId,
    blockNumber: p.access.block.number,
    blockHash: p.access.block.hash,
    clientAddress: p.context.clientAddress,
    userAgent: p.context.userAgent,
    issuedAt: p.now,
    expiresAt: p.expiresAt,
    scopeSources:
      p.scopeSources !== undefined
        ? p.scopeSources
        : grantedProvenance({ provenance: p.access.provenance, granted: p.grantedScopes }),
  });
}
