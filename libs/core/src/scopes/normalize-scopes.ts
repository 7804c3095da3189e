import { assertScope } from "./scope.js";

/**
 * Validates, deduplicates and sorts scopes, accepting an array or an OAuth space-separated string.
 * The result is canonical, so equal scope sets compare equal.
 */
export function normalizeScopes(scopes: readonly string[] | string): string[] {
  const list = typeof scopes === "string" ? scopes.split(" ").filter((s) => s !== "") : scopes;
  return [...new Set(list.map(assertScope))].sort();
}
