/** A chain behind a route's scopes whose roles the issuer has not confirmed recently enough. */
export interface StaleRoleSync {
  chainId: number;
  /** The route's scope that depends on it; absent for the token's sign-in chain (every scope does). */
  scope?: string;
  /** Time since the issuer last confirmed it; null when it never did or never reported the chain. */
  ageMs: number | null;
}

export interface StaleRoleSyncParameters {
  signInChainId: number;
  /** The scopes the route requires. */
  required: readonly string[];
  /** The token's `scope_chains` claim: other chains behind each granted scope. */
  scopeChains: Readonly<Record<string, readonly number[]>> | undefined;
  /** When the issuer last confirmed each chain's roles, by chain (-Infinity: never). */
  confirmedAt: ReadonlyMap<number, number>;
  nowMs: number;
  maxAgeMs: number;
}

/**
 * The first chain whose roles are too old for a route requiring `required` (D1, P5): the sign-in
 * chain, unless the issuer reports nothing for it (it does not follow roles), then every chain the
 * token lists for a required scope, which the issuer follows, so one it never reported fails closed.
 */
export function staleRoleSync(p: StaleRoleSyncParameters): StaleRoleSync | undefined {
  const signIn = p.confirmedAt.get(p.signInChainId);
  if (signIn !== undefined && !(p.nowMs - signIn <= p.maxAgeMs)) {
    return { chainId: p.signInChainId, ageMs: ageOf(signIn, p.nowMs) };
  }
  if (p.scopeChains === undefined) return undefined;
  for (const scope of p.required) {
    // Own properties only: a scope named like an Object.prototype member must not read one.
    if (!Object.hasOwn(p.scopeChains, scope)) continue;
    for (const chainId of p.scopeChains[scope]!) {
      const at = p.confirmedAt.get(chainId);
      if (at === undefined || !(p.nowMs - at <= p.maxAgeMs)) {
        return { chainId, scope, ageMs: at === undefined ? null : ageOf(at, p.nowMs) };
      }
    }
  }
  return undefined;
}

function ageOf(confirmedAtMs: number, nowMs: number): number | null {
  return Number.isFinite(confirmedAtMs) ? Math.max(0, nowMs - confirmedAtMs) : null;
}
