import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{8,64}$/;

declare module "express" {
  interface Request {
    /** Correlates logs, audit events and the error body of one request. */
    id?: string;
  }
}

/**
 * Express middleware: keeps a well-formed incoming `X-Request-Id` (a proxy's), otherwise makes one,
 * and echoes it in the response. Malformed ids are replaced so they cannot inject into logs.
 */
export function requestId(request: Request, response: Response, next: NextFunction): void {
  const incoming = request.header("x-request-id");
  request.id = incoming !== undefined && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader("X-Request-Id", request.id);
  next();
}
