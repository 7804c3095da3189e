/** Metadata key set by {@link Public}. */
export const PUBLIC_ROUTE = "sigil:public";
/** Metadata key set by {@link RequireScopes}. */
export const REQUIRED_SCOPES = "sigil:scopes";
