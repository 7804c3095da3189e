export * from "./sigil-guard.module.js";
export * from "./guard/sigil-auth.guard.js";
export * from "./decorators/public.decorator.js";
export * from "./decorators/require-scopes.decorator.js";
export * from "./decorators/current-principal.decorator.js";
export * from "./errors/sigil-guard-error.filter.js";
export * from "./health/sigil-guard-health.js";
export { SIGIL_VERIFIER } from "./verifier/sigil-verifier.provider.js";
export {
  InsufficientScopeError,
  InvalidDpopProofError,
  InvalidTokenError,
  JwksUnavailableError,
  principalOf,
  RevocationFeedStaleError,
  RoleSyncStaleError,
  VERIFY_ERROR_STATUS as GUARD_ERROR_STATUS,
  type DpopVerifierOptions,
  type RevocationFeedOptions,
  type SigilPrincipal,
} from "@sigil/verify";
