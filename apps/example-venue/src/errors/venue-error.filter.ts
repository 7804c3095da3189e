import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from "@nestjs/common";
import { isSigilError } from "@sigil/core";
import { GUARD_ERROR_STATUS } from "@sigil/guard";
import type { Request, Response } from "express";

const STATUS: Readonly<Record<string, number>> = {
  ...GUARD_ERROR_STATUS,
  invalid_request: 400,
  internal_error: 500,
};

const HTTP_ERRORS: Readonly<Record<number, { error: string; message: string }>> = {
  400: { error: "invalid_request", message: "malformed request" },
  404: { error: "not_found", message: "no such route" },
  405: { error: "method_not_allowed", message: "method not allowed" },
  413: { error: "payload_too_large", message: "request body too large" },
  415: { error: "unsupported_media_type", message: "unsupported content type" },
};

/**
 * Every error of the venue as `{error, message, requestId}`: the guard's codes keep their status
 * (its challenge headers are already set); anything unexpected is a logged, stack-free 500.
 */
@Catch()
export class VenueErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger("VenueErrorFilter");

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const requestId = String((http.getRequest<Request>() as { id?: string }).id ?? "");
    const { status, error, message } = describe(exception);
    if (status >= 500 && status !== 503) {
      this.logger.error(
        { requestId, code: error },
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    if (!response.headersSent) response.status(status).json({ error, message, requestId });
  }
}

function describe(exception: unknown): { status: number; error: string; message: string } {
  if (isSigilError(exception)) {
    const status = STATUS[exception.code] ?? 500;
    if (status >= 500 && status !== 503)
      return { status, error: "internal_error", message: "internal error" };
    return { status, error: exception.code, message: exception.message };
  }
  // Nest's own (404 for unknown routes) and Express body-parser errors (400, 413, 415).
  const status =
    exception instanceof HttpException ? exception.getStatus() : (exception as { status?: unknown })?.status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return { status, ...(HTTP_ERRORS[status] ?? { error: "invalid_request", message: "request refused" }) };
  }
  return { status: 500, error: "internal_error", message: "internal error" };
}
