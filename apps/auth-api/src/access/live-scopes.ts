import { Injectable } from "@nestjs/common";
import { InsufficientScopeError } from "@sigil/core";
import type { SessionEntity } from "@sigil/persistence";
import { RoleSyncStatusService } from "../role-sync/role-sync-status.service.js";

/**
 * What a token may do now: its claimed scopes that its session still holds (role sync narrows the
 * session, never the signed claim). The guard, `/v1/me` and introspection all ask here (J3).
 */
@Injectable()
export class LiveScopes {
  constructor(private readonly roleSync: RoleSyncStatusService) {}

  /**
   * `claimed` (space-separated) ∩ the session's scopes, in claim order. `role_sync_stale` (503) while
   * the chain's roles are unconfirmed: a scope removed during an outage is never reported held (D1).
   */
  of(claimed: string, session: Pick<SessionEntity, "chainId" | "scopes">): ReadonlySet<string> {
    this.roleSync.assertFresh(session.chainId);
    const held = new Set(session.scopes);
    return new Set(claimed.split(" ").filter((scope) => scope !== "" && held.has(scope)));
  }
}

/** Throws `insufficient_scope` (403) naming `needed` unless `scopes` holds every one of them. */
export function requireScopes(scopes: ReadonlySet<string>, needed: readonly string[]): void {
  const missing = needed.filter((scope) => !scopes.has(scope));
  if (missing.length > 0) {
    throw new InsufficientScopeError(`this route needs scope ${missing.join(" ")}`, {
      details: { scope: needed.join(" ") },
    });
  }
}
