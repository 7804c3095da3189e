import { normalizeScopes } from "../scopes/normalize-scopes.js";

export interface GrantScopesParameters {
  /** Scopes the client asked for; `undefined` asks for everything allowed. */
  requested: readonly string[] | undefined;
  /** Scopes the account's roles confer at the recorded block. */
  allowed: readonly string[];
}

export interface GrantScopesResult {
  granted: string[];
  /** Requested scopes that were not granted (narrowed away), for the grant record. */
  denied: string[];
}

/** Granted scopes = requested ∩ allowed; never more than the roles confer. */
export function grantScopes({ requested, allowed }: GrantScopesParameters): GrantScopesResult {
  const allowedSet = new Set(normalizeScopes(allowed));
  const asked = requested === undefined ? [...allowedSet].sort() : normalizeScopes(requested);
  return {
    granted: asked.filter((scope) => allowedSet.has(scope)),
    denied: asked.filter((scope) => !allowedSet.has(scope)),
  };
}
