import { Injectable } from "@nestjs/common";
import { AppConfig } from "@sigil/config";
import { InsufficientScopeError, RoleSyncStaleError, type ScopeChains, scopeChainsCache } from "@sigil/core";
import type { SessionEntity } from "@sigil/persistence";
import { RoleSyncStatusService } from "../role-sync/role-sync-status.service.js";

/** Live scopes, and the held ones left out because a chain behind them is unconfirmed (scope → chain). */
export class LiveScopeSet extends Set<string> {
  readonly stale = new Map<string, number>();
}

/**
 * What a token may do now: its claimed scopes that its session still holds (role sync narrows the
 * session, never the signed claim). The guard, `/v1/me` and introspection all ask here (J3).
 */
@Injectable()
export class LiveScopes {
  private readonly chainsOf: ReturnType<typeof scopeChainsCache>;

  constructor(
    private readonly roleSync: RoleSyncStatusService,
    config: AppConfig,
  ) {
    this.chainsOf = scopeChainsCache(config.policy);
  }

  /**
   * `claimed` (space-separated) ∩ the session's scopes, in claim order. `role_sync_stale` (503) while
   * the sign-in chain's roles are unconfirmed (D1); a scope a policy source on another, unconfirmed
   * chain could grant is left out and listed in `stale` (P5): other chains' scopes keep working.
   */
  of(claimed: string, session: Pick<SessionEntity, "chainId" | "scopes" | "walletKind">): LiveScopeSet {
    this.roleSync.assertFresh(session.chainId);
    const held = new Set(session.scopes);
    const live = new LiveScopeSet();
    const chains = this.scopeChains(session);
    for (const scope of claimed.split(" ")) {
      if (scope === "" || !held.has(scope)) continue;
      const unconfirmed = chains.of(scope).find((chainId) => !this.roleSync.isFresh(chainId));
      if (unconfirmed === undefined) live.add(scope);
      else live.stale.set(scope, unconfirmed);
    }
    return live;
  }

  private scopeChains(session: Pick<SessionEntity, "chainId" | "walletKind">): ScopeChains {
    return this.chainsOf({ signInChainId: session.chainId, walletKind: session.walletKind });
  }
}

/**
 * Throws unless `scopes` holds every one of `needed`: `role_sync_stale` (503) when a missing scope is
 * held but its chain is unconfirmed, else `insufficient_scope` (403) naming them.
 */
export function requireScopes(scopes: ReadonlySet<string>, needed: readonly string[]): void {
  const missing = needed.filter((scope) => !scopes.has(scope));
  if (missing.length === 0) return;
  const stale = scopes instanceof LiveScopeSet ? missing.find((scope) => scopes.stale.has(scope)) : undefined;
  if (stale !== undefined) {
    const chainId = (scopes as LiveScopeSet).stale.get(stale)!;
    throw new RoleSyncStaleError(
      `scope ${stale} comes from chain ${chainId}, whose roles could not be confirmed recently; try again shortly`,
      { details: { chainId, scope: stale } },
    );
  }
  throw new InsufficientScopeError(`this route needs scope ${missing.join(" ")}`, {
    details: { scope: needed.join(" ") },
  });
}
