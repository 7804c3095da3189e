import type { Request } from "express";
import type { RequestContext } from "../sessions/session.service.js";

/** Request id, client address and user agent of a request, as grants and audit events record them. */
export function requestContext(request: Request): RequestContext {
  return {
    requestId: request.id ?? "",
    clientAddress: request.ip ?? null,
    userAgent: request.header("user-agent")?.slice(0, 512) ?? null,
  };
}
