import { Injectable } from "@nestjs/common";
import { InsufficientScopeError } from "@sigil/core";
import type { SessionEntity } from "@sigil/persistence";
import { RoleSyncStatusService } from "../role-sync/role-sync-status.service.js";

/**
 * What a token may do now: the scopes it claims that its session still holds. Role sync narrows a
 * session when the chain takes a scope away, while the token's `scope` claim stays as issued. The
 * access guard, `/v1/me` and introspection all answer with this, so they cannot disagree (J3).
 */
@Injectable()
export class LiveScopes {
  constructor(private readonly roleSync: RoleSyncStatusService) {}

  /**
   * `claimed` (a space-separated `scope`) ∩ the session's live scopes, in the claim's order. Throws
   * `role_sync_stale` (503) while the session's chain roles are unconfirmed: allows are trusted
   * only that long (D1), so a scope taken away during an outage is never reported as held.
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
