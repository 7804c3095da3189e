export * from "./create-app.js";
export * from "./keys/signing-keys.service.js";
export * from "./role-sync/role-sync.service.js";
export * from "./maintenance/expired-row-sweeper.service.js";
// Moved to libs (the CLI reads them there); re-exported for the tests that import the service.
export * from "@sigil/config";
export {
  apiKeySecretContext,
  reconcileRoles,
  rewrapApiKeySecrets,
  publicKeyOf,
  SigningKeyStore,
  type ReconcileRolesParameters,
  type ReconciliationReport,
  type RoleDivergence,
  type RotationOutcome,
  type StoredSigningKey,
} from "@sigil/persistence";
