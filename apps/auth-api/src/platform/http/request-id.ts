import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/**
 * Fastify's `genReqId`: keeps a well-formed incoming `X-Request-Id` (a proxy's), otherwise makes one.
 * Malformed ids are replaced so they cannot inject into logs. The id correlates logs, audit events
 * and the error body of one request; an `onRequest` hook echoes it as `X-Request-Id`.
 */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers["x-request-id"];
  return typeof incoming === "string" && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
}
