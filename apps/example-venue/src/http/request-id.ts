import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/**
 * Express middleware: keeps a well-formed incoming `X-Request-Id`, otherwise makes one, and echoes
 * it; error bodies carry it. Malformed ids are replaced so they cannot inject into logs.
 */
export function requestId(request: Request, response: Response, next: NextFunction): void {
  const incoming = request.headers["x-request-id"];
  const id = typeof incoming === "string" && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
  (request as { id?: string }).id = id;
  response.setHeader("X-Request-Id", id);
  next();
}
