export * from "./config/app-config.js";
export * from "./create-app.js";
export * from "./keys/signing-keys.service.js";
export * from "./keys/signing-key-store.js";
export * from "./keys/resolve-kek-provider.js";
export * from "./role-sync/role-sync.service.js";
export * from "./role-sync/reconcile-roles.js";
export * from "./api-keys/rewrap-api-key-secrets.js";
