import type { ScopeProvenance } from "./source-answer.js";

export interface GrantedProvenanceParameters {
  /** Per allowed scope, its rule and sources; undefined when the read recorded none. */
  provenance: Readonly<Record<string, ScopeProvenance>> | null | undefined;
  /** The scopes actually granted (requested ∩ allowed). */
  granted: readonly string[];
}

/**
 * The provenance a grant row records: only its granted scopes', so the row never names a source
 * for a scope the token lacks. Null when there is no provenance to restrict.
 */
export function grantedProvenance({
  provenance,
  granted,
}: GrantedProvenanceParameters): Record<string, ScopeProvenance> | null {
  if (!provenance) return null;
  const restricted: Record<string, ScopeProvenance> = {};
  for (const scope of granted) {
    const entry = provenance[scope];
    if (entry) restricted[scope] = entry;
  }
  return restricted;
}
