// The service's configuration, read from the environment and validated once: the auth-api and the
// CLI (which needs the key and chain settings without the service) both load it from here.
export * from "./app-config.js";
export * from "./config-problems.js";
export * from "./demo-config.js";
export * from "./jwks-max-age.js";
export * from "./key-rotation-policy.js";
export * from "./resolve-kek-provider.js";
export * from "./policy/parse-policy.js";
export * from "./policy/load-policy-file.js";
