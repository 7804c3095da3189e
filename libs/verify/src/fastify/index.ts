// `@sigil/verify/fastify`: the verifier as a Fastify 5 plugin (Fastify is an optional peer).
export { sigilFastify, type SigilFastify, type SigilFastifyOptions } from "./sigil-fastify.js";
export { principalOf } from "../principal/request-principal.js";
export type { SigilPrincipal } from "../principal/sigil-principal.js";
export type { SigilVerifierOptions } from "../options/verifier-options.js";
