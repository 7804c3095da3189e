export * from "./sigil-guard.module.js";
export * from "./guard/sigil-auth.guard.js";
export * from "./decorators/public.decorator.js";
export * from "./decorators/require-scopes.decorator.js";
export * from "./decorators/current-principal.decorator.js";
export * from "./errors/sigil-guard-error.filter.js";
export {
  GUARD_ERROR_STATUS,
  InsufficientScopeError,
  InvalidTokenError,
  JwksUnavailableError,
  principalOf,
  resolveGuardOptions,
  RevocationFeedStaleError,
  RoleSyncStaleError,
  SigilGuardHealth,
  type DpopGuardOptions,
  type ResolvedSigilGuardOptions,
  type RevocationFeedOptions,
  type SigilGuardOptions,
  type SigilGuardStatus,
  type SigilPrincipal,
} from "@sigil/verify";
