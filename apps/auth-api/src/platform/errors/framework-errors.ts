import type { FastifyError } from "fastify";
import type { ErrorBody } from "./error.filter.js";
import type { HttpReply, HttpRequest } from "../http/http-types.js";

/**
 * Fastify's `frameworkErrors`: a URL it cannot route (a malformed percent-escape, a path parameter
 * over the length limit) is refused before Nest's exception layer exists for the request, so it is
 * answered here in the error body of every other failure, with the request id.
 */
export function frameworkError(error: FastifyError, request: HttpRequest, reply: HttpReply): void {
  const body: ErrorBody = {
    error: "invalid_request",
    message: "malformed request URL",
    requestId: request.id,
  };
  void reply
    .code(error.statusCode === 414 ? 414 : 400)
    .header("X-Request-Id", request.id)
    .send(body);
}
