import type { ApiKeyEntity } from "@sigil/persistence";
import type { VerifiedDpopProof } from "@sigil/sessions";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Principal, ResourceClientPrincipal } from "./principal.js";

/** A request as the auth-api's guards, interceptors and controllers see it (Fastify). */
export type HttpRequest = FastifyRequest;
/** The reply a guard, interceptor or `@Res()` handler writes headers or a body to (Fastify). */
export type HttpReply = FastifyReply;

declare module "fastify" {
  interface FastifyRequest {
    /** Bearer routes: the caller (set by the access guard). */
    principal?: Principal;
    /** Client-authenticated routes: the resource server calling. */
    resourceClient?: ResourceClientPrincipal;
    /** `proof` routes (bots): the verified DPoP proof, or the API key that signed the request. */
    dpopProof?: VerifiedDpopProof;
    apiKey?: ApiKeyEntity;
    /** The body's exact bytes (JSON and form bodies): signed API requests sign them. */
    rawBody?: Buffer;
  }
}

/** One request header as a string: the first value of a repeated header, else undefined. */
export function header(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The request path without its query string. */
export function pathOf(request: HttpRequest): string {
  const query = request.url.indexOf("?");
  return query === -1 ? request.url : request.url.slice(0, query);
}

/** The matched route template (`/v1/sessions/:id`), or `unmatched`, so scanners cannot add label values. */
export function routeOf(request: HttpRequest): string {
  return request.routeOptions.url ?? "unmatched";
}
