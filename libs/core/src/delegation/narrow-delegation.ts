import { normalizeScopes } from "../scopes/normalize-scopes.js";
import { DelegationExpiryExceededError, DelegationScopeExceededError } from "./delegation-errors.js";

export interface NarrowDelegationParameters {
  /** Scopes the delegation (or API key) asks for. */
  requested: readonly string[];
  /** Scopes the owner holds now (on-chain roles ∩ the owner's session). */
  ownerScopes: readonly string[];
  /** When the delegation would end. */
  expiresAt: Date;
  /** The latest it may end: the owner's authority (its sign-in's absolute expiry) and the cap. */
  latestExpiry: Date;
  now: Date;
}

/**
 * C4: a delegation only narrows. Its scopes must all be the owner's and it must end after `now`
 * and no later than `latestExpiry`. Returns the canonical scopes or throws (403 codes).
 */
export function narrowDelegation(p: NarrowDelegationParameters): string[] {
  const scopes = normalizeScopes(p.requested);
  const owner = new Set(p.ownerScopes);
  const extra = scopes.filter((scope) => !owner.has(scope));
  if (scopes.length === 0 || extra.length > 0) {
    throw new DelegationScopeExceededError(
      scopes.length === 0
        ? "a delegation needs at least one scope"
        : `the owner does not hold ${extra.join(" ")}: a delegation can only narrow`,
      { details: { scope: extra.join(" ") } },
    );
  }
  if (p.expiresAt <= p.now || p.expiresAt > p.latestExpiry) {
    throw new DelegationExpiryExceededError(
      `expiry must be after now and no later than ${p.latestExpiry.toISOString()}`,
      { details: { latestExpiry: p.latestExpiry.toISOString() } },
    );
  }
  return scopes;
}

/** Scopes a bot token gets: requested (default all) ∩ delegation ∩ the owner's current scopes. */
export function botTokenScopes(p: {
  requested: readonly string[] | undefined;
  delegated: readonly string[];
  ownerNow: readonly string[];
}): string[] {
  const delegated = new Set(p.delegated);
  const asked = p.requested === undefined ? [...delegated] : normalizeScopes(p.requested);
  const extra = asked.filter((scope) => !delegated.has(scope));
  if (extra.length > 0) {
    throw new DelegationScopeExceededError(`not delegated: ${extra.join(" ")}`, {
      details: { scope: extra.join(" ") },
    });
  }
  const owner = new Set(p.ownerNow);
  return asked.filter((scope) => owner.has(scope)).sort();
}
