import { normalizeScopes, ResourceNotAllowedError } from "@sigil/core";

/** SIWE `Resources` entry that carries one requested scope, readable in the wallet. */
export const SCOPE_RESOURCE_PREFIX = "urn:sigil:scope:";

/** The resources a challenge lists for `scopes`. */
export function scopesToResources(scopes: readonly string[]): string[] {
  return scopes.map((scope) => `${SCOPE_RESOURCE_PREFIX}${scope}`);
}

/**
 * The scopes a signed message asks for (SECURITY-TESTS A4): every resource must be a Sigil scope
 * URN; none at all asks for everything the roles allow.
 */
export function scopesFromResources(resources: readonly string[] | undefined): string[] | undefined {
  if (resources === undefined || resources.length === 0) return undefined;
  const scopes = resources.map((resource) => {
    if (!resource.startsWith(SCOPE_RESOURCE_PREFIX)) {
      throw new ResourceNotAllowedError(`resource ${resource.slice(0, 100)} is not a Sigil scope`);
    }
    return resource.slice(SCOPE_RESOURCE_PREFIX.length);
  });
  try {
    return normalizeScopes(scopes);
  } catch (cause) {
    throw new ResourceNotAllowedError("a scope resource is malformed", { cause });
  }
}
