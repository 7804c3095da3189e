// @sigil/chain/dev: the dev chain's accounts, contract deploys and test wallets, for `sigil dev`,
// tests and benchmarks; kept off @sigil/chain so the production surface holds no well-known keys.
export * from "../abi/generated/testing.js";
export * from "../deploy/index.js";
export * from "./dev-accounts.js";
