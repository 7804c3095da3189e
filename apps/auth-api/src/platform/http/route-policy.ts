import { SetMetadata } from "@nestjs/common";
import type { AccessTokenClaims } from "@sigil/sessions";
import type { HttpRequest } from "./http-types.js";

/** Metadata key of a route's access policy. */
export const ROUTE_POLICY = "sigil:route-policy";

/**
 * Who may call a route. Every route declares one (SECURITY-TESTS C1); the global guard refuses
 * routes without a policy, so a forgotten decorator fails closed.
 */
export type RoutePolicy =
  | { kind: "public" }
  | {
      kind: "bearer";
      scopes: readonly string[];
      /** Further scopes this particular request needs (checked by the guard like `scopes`). */
      scopesFor?: (request: HttpRequest, claims: AccessTokenClaims) => readonly string[];
    }
  | { kind: "client" }
  | { kind: "proof"; proof: "dpop" | "signed_request" }
  | { kind: "scrape" };

/** Anyone may call the route (rate limits still apply). */
export const Public = () => SetMetadata(ROUTE_POLICY, { kind: "public" } satisfies RoutePolicy);

/** A live Sigil access token (Bearer) holding every listed scope. */
export const Authenticated = (...scopes: string[]) =>
  SetMetadata(ROUTE_POLICY, { kind: "bearer", scopes } satisfies RoutePolicy);

/**
 * A live Sigil access token holding the scopes `scopesFor` names for the request at hand (e.g.
 * another subject's data needs `sigil:admin`): the guard checks them, failing closed like any scope.
 */
export const AuthenticatedFor = (
  scopesFor: (request: HttpRequest, claims: AccessTokenClaims) => readonly string[],
) => SetMetadata(ROUTE_POLICY, { kind: "bearer", scopes: [], scopesFor } satisfies RoutePolicy);

/** A registered resource server, by HTTP Basic client credentials (introspection, revocation feed). */
export const ClientAuthenticated = () => SetMetadata(ROUTE_POLICY, { kind: "client" } satisfies RoutePolicy);

/**
 * A bot proving possession of a key: a DPoP proof (RFC 9449) or a signed API request (A10),
 * verified by the guard before the handler, which then checks what the key is bound to.
 */
export const ProofAuthenticated = (proof: "dpop" | "signed_request") =>
  SetMetadata(ROUTE_POLICY, { kind: "proof", proof } satisfies RoutePolicy);

/** A metrics scraper: the `SIGIL_METRICS_TOKEN` Bearer token when one is configured, else anyone. */
export const ScrapeAuthenticated = () => SetMetadata(ROUTE_POLICY, { kind: "scrape" } satisfies RoutePolicy);
