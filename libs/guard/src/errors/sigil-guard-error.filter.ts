import { type ArgumentsHost, Catch, type ExceptionFilter } from "@nestjs/common";
import type { SigilError } from "@sigil/core";
import { InvalidTokenError } from "@sigil/sessions";
import type { Request, Response } from "express";
import { GUARD_ERROR_STATUS } from "@sigil/verify";
import {
  InsufficientScopeError,
  JwksUnavailableError,
  RevocationFeedStaleError,
  RoleSyncStaleError,
} from "@sigil/verify";

/** Body of a guard failure, in Sigil's error shape. */
export interface GuardErrorBody {
  error: string;
  message: string;
  requestId?: string;
}

/**
 * Answers the guard's errors: status from {@link GUARD_ERROR_STATUS}, Sigil's error body. The
 * guard has already set `WWW-Authenticate` / `Retry-After`, so another filter answering keeps them.
 */
@Catch(
  InvalidTokenError,
  InsufficientScopeError,
  JwksUnavailableError,
  RevocationFeedStaleError,
  RoleSyncStaleError,
)
export class SigilGuardErrorFilter implements ExceptionFilter {
  catch(error: SigilError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const requestId = (http.getRequest<Request>() as { id?: unknown }).id;
    const body: GuardErrorBody = { error: error.code, message: error.message };
    if (typeof requestId === "string") body.requestId = requestId;
    if (!response.headersSent) response.status(GUARD_ERROR_STATUS[error.code] ?? 500).json(body);
  }
}
