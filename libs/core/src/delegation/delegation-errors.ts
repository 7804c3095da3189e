import { SigilError } from "../errors/sigil-error.js";

/** A delegation or API key asked for a scope its owner does not hold (C4: only narrowing). */
export class DelegationScopeExceededError extends SigilError {
  readonly code = "delegation_scope_exceeded";
}

/** A delegation or API key would outlive its owner's authority (C4). */
export class DelegationExpiryExceededError extends SigilError {
  readonly code = "delegation_expiry_exceeded";
}

/** The delegation's EIP-712 signature is not the owner's, or names another chain or owner. */
export class DelegationSignatureInvalidError extends SigilError {
  readonly code = "delegation_signature_invalid";
}

/** The delegation or API key is unknown, revoked or expired. */
export class DelegationInactiveError extends SigilError {
  readonly code = "delegation_inactive";
}

/** The delegation's nonce was registered before: each signed delegation registers once. */
export class DelegationNonceUsedError extends SigilError {
  readonly code = "delegation_nonce_used";
}

/** Creating keys or delegations needs a recent wallet sign-in (C6 step-up). */
export class StepUpRequiredError extends SigilError {
  readonly code = "step_up_required";
}

/** A bot's token (it carries `act`) may not manage the owner's sessions, delegations or keys. */
export class DelegatedTokenNotAllowedError extends SigilError {
  readonly code = "delegated_token_not_allowed";
}

/** The request comes from a client address the delegation or key does not allow. */
export class ClientAddressNotAllowedError extends SigilError {
  readonly code = "client_address_not_allowed";
}

/** A signed API request that is unsigned, altered, stale or replayed (A10). */
export class RequestSignatureInvalidError extends SigilError {
  readonly code = "request_signature_invalid";
}
