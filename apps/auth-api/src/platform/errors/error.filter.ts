import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from "@nestjs/common";
import { isSigilError } from "@sigil/core";
import type { HttpReply, HttpRequest } from "../http/http-types.js";
import { asDatabaseUnavailable } from "./database-connection-error.js";
import { ERROR_STATUS, STATUS_CODE_NAMES } from "./error-status.js";
import { asDatabaseBusy } from "./transaction-rollback.js";

/** RFC 6750 §3 / RFC 7617 challenges for the codes that need one. */
const WWW_AUTHENTICATE: Record<string, (exception: unknown) => string> = {
  invalid_token: () => 'Bearer error="invalid_token"',
  unauthorized: () => 'Bearer realm="sigil"',
  insufficient_scope: (exception) => {
    const scope = (exception as { details?: { scope?: unknown } }).details?.scope;
    return `Bearer error="insufficient_scope"${typeof scope === "string" ? `, scope="${scope}"` : ""}`;
  },
  invalid_client: () => 'Basic realm="sigil"',
  invalid_dpop_proof: () => 'DPoP error="invalid_dpop_proof", algs="ES256 ES256K EdDSA"',
};

/** The error body of every failed request. */
export interface ErrorBody {
  error: string;
  message: string;
  requestId: string;
}

/**
 * The one place errors become HTTP responses: stable code, safe message, request id; never a
 * stack trace or SQL. Unexpected errors are logged with their cause and answered as 500.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger("ErrorFilter");

  catch(thrown: unknown, host: ArgumentsHost): void {
    // A database that cannot be reached is an outage (503 database_unavailable), and a deadlock or
    // serialization failure (SQLSTATE 40xxx) is contention (503 database_busy): neither is a bug (500).
    const exception =
      isSigilError(thrown) || thrown instanceof HttpException
        ? thrown
        : asDatabaseBusy(asDatabaseUnavailable(thrown));
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpReply>();
    const requestId = String(request.id ?? "");
    const { status, body } = this.describe(exception, requestId);
    if (status >= 500) {
      this.logger.error(
        { requestId, code: body.error, err: exception },
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    if (response.sent) return;
    const challenge = WWW_AUTHENTICATE[body.error];
    if (challenge) void response.header("WWW-Authenticate", challenge(exception));
    if (body.error === "database_busy") void response.header("Retry-After", "1");
    void response.status(status).send(body);
  }

  private describe(exception: unknown, requestId: string): { status: number; body: ErrorBody } {
    if (isSigilError(exception)) {
      const status = ERROR_STATUS[exception.code] ?? 500;
      const message = status >= 500 && status !== 503 ? "internal error" : exception.message;
      return { status, body: { error: exception.code, message, requestId } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const error = STATUS_CODE_NAMES[status] ?? (status >= 500 ? "internal_error" : "invalid_request");
      const message = status >= 500 ? "internal error" : safeMessage(exception);
      return { status, body: { error, message, requestId } };
    }
    return { status: 500, body: { error: "internal_error", message: "internal error", requestId } };
  }
}

function safeMessage(exception: HttpException): string {
  const response = exception.getResponse();
  const message = typeof response === "string" ? response : (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join("; ");
  return typeof message === "string" ? message : exception.message;
}
