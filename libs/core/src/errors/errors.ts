import { SigilError } from "./sigil-error.js";

/** Configuration failed validation at boot; `details.key` names the offending setting. */
export class ConfigInvalidError extends SigilError {
  readonly code = "config_invalid";
}

/** A request body, parameter or value is malformed. */
export class InvalidRequestError extends SigilError {
  readonly code = "invalid_request";
}

/** A scope string does not match the scope grammar. */
export class ScopeInvalidError extends SigilError {
  readonly code = "scope_invalid";
}

/** The chain id is not one Sigil is configured for. */
export class ChainNotConfiguredError extends SigilError {
  readonly code = "chain_not_configured";
}

/** Every RPC endpoint of a chain failed or timed out: callers must fail closed (503). */
export class RpcUnavailableError extends SigilError {
  readonly code = "rpc_unavailable";
}

/** The configured registry address holds no AccessRegistry (no code, or calls revert). */
export class RegistryUnavailableError extends SigilError {
  readonly code = "registry_unavailable";
}

/** A policy source's contract does not answer its interface (no code, or its calls revert). */
export class PolicySourceUnavailableError extends SigilError {
  readonly code = "policy_source_unavailable";
}

/** The database could not be reached or a query failed for infrastructure reasons. */
export class DatabaseUnavailableError extends SigilError {
  readonly code = "database_unavailable";
}

/** An invariant broke inside Sigil; never shown to clients beyond its code. */
export class InternalError extends SigilError {
  readonly code = "internal_error";
}

/** The RPC answered for a different chain than the one configured for it. */
export class ChainIdMismatchError extends SigilError {
  readonly code = "chain_id_mismatch";
}

/** Sealed data did not open: wrong or unknown key-encryption key, wrong context, or altered bytes. */
export class SecretUnsealableError extends SigilError {
  readonly code = "secret_unsealable";
}

/** No signing key can sign right now (keys not loaded yet, or every key retired). */
export class SigningKeyUnavailableError extends SigilError {
  readonly code = "signing_key_unavailable";
}

/**
 * Chain role sync has not confirmed this chain's roles recently enough: scope-bearing requests are
 * refused (fail closed) rather than trusting allows that may have been revoked on-chain meanwhile.
 */
export class RoleSyncStaleError extends SigilError {
  readonly code = "role_sync_stale";
}

/** `sigil audit verify` found an audit row whose hash or link does not match (edited, removed or moved). */
export class AuditChainBrokenError extends SigilError {
  readonly code = "audit_chain_broken";
}
