export * from "./change-role.js";
export * from "./deploy-access-stack.js";
export * from "./deploy-policy-demo-external.js";
export * from "./deploy-policy-demo-oz.js";
export * from "./install-multicall3.js";
export * from "./seed-demo-roles.js";
export * from "./transaction-reverted-error.js";
export type { DeployClients, DeployWalletClient } from "./transactions.js";
