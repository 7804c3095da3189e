import type { Logger } from "pino";
import { type HttpReply, type HttpRequest, pathOf, routeOf } from "../http/http-types.js";

/**
 * Fastify `onResponse` hook: one JSON line per request with request id, method, path, route
 * template, status, latency and client address; never headers, query strings or bodies, which
 * carry tokens. pino JSON-encodes every string, so newlines or ANSI codes cannot forge a line (I3).
 * Errors themselves are logged, with their cause, by the error filter.
 */
export function requestLogging(logger: Logger) {
  // These lines hold only the fields below, none of them a credential: the app logger's redaction
  // paths, which cost CPU on every line (docs/benchmarks.md), are left out.
  const lines = logger.child({}, { redact: [] });
  return (request: HttpRequest, reply: HttpReply, done: () => void): void => {
    const status = reply.statusCode;
    const level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
    if (lines.isLevelEnabled(level)) {
      lines[level](
        {
          req: {
            id: request.id,
            method: request.method,
            // The path only: query strings may carry tokens.
            path: pathOf(request),
            clientAddress: request.ip,
          },
          res: { statusCode: status },
          responseTime: Math.round(reply.elapsedTime),
          route: routeOf(request),
        },
        status >= 500 ? "request errored" : "request completed",
      );
    }
    done();
  };
}
