// @sigil/chain/dev: the dev chain's accounts and contract deploys, for `sigil dev`, tests and
// benchmarks; kept off @sigil/chain so the production surface holds no well-known keys.
export * from "../deploy/index.js";
export * from "./dev-accounts.js";
