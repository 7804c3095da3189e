import { header, type HttpRequest } from "./http-types.js";

/** Who is asking, for grant and audit records. */
export interface RequestContext {
  requestId: string;
  clientAddress: string | null;
  userAgent: string | null;
}

/** Request id, client address and user agent of a request, as grants and audit events record them. */
export function requestContext(request: HttpRequest): RequestContext {
  return {
    requestId: request.id ?? "",
    clientAddress: request.ip ?? null,
    userAgent: header(request, "user-agent")?.slice(0, 512) ?? null,
  };
}
