import type { SigilPrincipal } from "./sigil-principal.js";

// A symbol, so nothing parsed from the request (a header, a body field) can pose as the principal.
const PRINCIPAL = Symbol("sigil.principal");

type WithPrincipal = { [PRINCIPAL]?: SigilPrincipal };

/** Records the authenticated principal on the request (the guard does this). */
export function attachPrincipal(request: object, principal: SigilPrincipal): void {
  (request as WithPrincipal)[PRINCIPAL] = principal;
}

/** The principal the guard attached to `request`, or undefined on a `@Public()` route. */
export function principalOf(request: object): SigilPrincipal | undefined {
  return (request as WithPrincipal)[PRINCIPAL];
}
