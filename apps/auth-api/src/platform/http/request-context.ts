import type { RequestContext } from "@sigil/persistence";
import { header, type HttpRequest } from "./http-types.js";

export type { RequestContext };

/** Request id, client address and user agent of a request, as grants and audit events record them. */
export function requestContext(request: HttpRequest): RequestContext {
  return {
    requestId: request.id ?? "",
    clientAddress: request.ip ?? null,
    userAgent: header(request, "user-agent")?.slice(0, 512) ?? null,
  };
}
