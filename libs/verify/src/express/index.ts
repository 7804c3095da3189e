// `@sigil/verify/express`: the verifier as Express middleware (Express is an optional peer).
export { sigilExpress, type SigilExpress } from "./sigil-express.js";
export { principalOf } from "../principal/request-principal.js";
export type { SigilPrincipal } from "../principal/sigil-principal.js";
export type { SigilVerifierOptions } from "../options/verifier-options.js";
