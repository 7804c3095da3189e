import type { Request } from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";

/**
 * One JSON line per request (pino-http): request id, method, path, route template, status,
 * latency and client address; never headers, query strings or bodies, which carry tokens.
 * pino JSON-encodes every string, so newlines or ANSI codes cannot forge a line (I3).
 */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (request) => (request as Request).id ?? "",
    // Added once, at completion: `customProps` runs at start and end, writing "route" twice.
    customSuccessObject: (request, _response, value: object) => ({
      ...value,
      route: routeOf(request as Request),
    }),
    customErrorObject: (request, _response, _error, value: object) => ({
      ...value,
      route: routeOf(request as Request),
    }),
    // Our serializers read the raw request and response: pino-std-serializers' wrappers would first
    // copy every header of each request, only for these to pick four fields.
    wrapSerializers: false,
    serializers: {
      req: (request: Request) => ({
        id: request.id,
        method: request.method,
        // The path only: query strings may carry tokens.
        path: request.originalUrl.split("?")[0],
        clientAddress: request.ip,
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? "error" : response.statusCode >= 400 ? "warn" : "info",
  });
}

function routeOf(request: Request): string {
  return (request.route as { path?: string } | undefined)?.path ?? "unmatched";
}
