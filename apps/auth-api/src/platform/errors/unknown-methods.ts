import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { ErrorBody } from "./error.filter.js";
import { pathOf } from "../http/http-types.js";

/** A route path as a regular expression: `:param` is one segment, `*` anything. */
function patternOf(url: string): RegExp {
  const source = url
    .replace(/\/+$/, "")
    .split(/(:[^/]+|\*)/)
    .map((part) =>
      part === "*" ? ".*" : part.startsWith(":") ? "[^/]+" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${source}/?$`);
}

/** A raw HTTP/1.1 response on a socket Fastify never saw (CONNECT, unparseable requests). */
function writeRaw(socket: Duplex, status: number, reason: string, body: ErrorBody): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nX-Request-Id: ${body.requestId}\r\n` +
      `Connection: close\r\n\r\n${text}`,
  );
}

/**
 * 405 `method_not_allowed` with `Allow`, in the JSON error body, for a method a known path does not
 * serve (PROPFIND, TRACE, CONNECT, …). Call before the routes are registered.
 */
export function answerUnknownMethods(fastify: FastifyInstance): void {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  fastify.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const known = routes.find((entry) => entry.pattern.source === patternOf(route.url).source);
    if (known) known.methods.push(...methods);
    else routes.push({ pattern: patternOf(route.url), methods: [...methods] });
  });
  const allowedOn = (path: string) =>
    [...new Set(routes.filter((entry) => entry.pattern.test(path)).flatMap((entry) => entry.methods))].sort();

  // After the body is read, as for a 404: a body over the cap is a 413 whatever the method.
  fastify.addHook("preHandler", (request, reply, done) => {
    if (!request.is404) return done();
    const allowed = allowedOn(pathOf(request));
    if (allowed.length === 0) return done();
    const body: ErrorBody = {
      error: "method_not_allowed",
      message: "this route does not take that method",
      requestId: request.id,
    };
    void reply.code(405).header("Allow", allowed.join(", ")).header("X-Request-Id", request.id).send(body);
  });

  // Node hands CONNECT to a 'connect' listener, never to Fastify; with none it drops the socket.
  fastify.server.on("connect", (_request: IncomingMessage, socket: Duplex) => {
    socket.on("error", () => socket.destroy());
    writeRaw(socket, 405, "Method Not Allowed", {
      error: "method_not_allowed",
      message: "CONNECT is not supported",
      requestId: randomUUID(),
    });
  });
}

/** Fastify's `clientErrorHandler`: what Node's HTTP parser refuses gets the JSON error body too. */
export function clientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const requestId = randomUUID();
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return writeRaw(socket, 408, "Request Timeout", {
      error: "request_timeout",
      message: "the request did not arrive in time",
      requestId,
    });
  }
  if (error.code === "HPE_HEADER_OVERFLOW") {
    return writeRaw(socket, 431, "Request Header Fields Too Large", {
      error: "headers_too_large",
      message: "request headers too large",
      requestId,
    });
  }
  writeRaw(socket, 400, "Bad Request", {
    error: "invalid_request",
    message: "malformed HTTP request",
    requestId,
  });
}
