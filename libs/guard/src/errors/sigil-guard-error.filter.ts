import { type ArgumentsHost, Catch, type ExceptionFilter } from "@nestjs/common";
import type { SigilError } from "@sigil/core";
import {
  InsufficientScopeError,
  InvalidDpopProofError,
  InvalidTokenError,
  JwksUnavailableError,
  refusalOf,
  RevocationFeedStaleError,
  RoleSyncStaleError,
} from "@sigil/verify";
import { type HttpRequest, type HttpResponse, sendJson } from "../http/http-exchange.js";

/** Body of a guard failure, in Sigil's error shape. */
export interface GuardErrorBody {
  error: string;
  message: string;
  requestId?: string;
}

/**
 * Answers the verifier's errors with its status and Sigil's error body. The guard has already set
 * `WWW-Authenticate` / `Retry-After`, so another filter answering keeps them.
 */
@Catch(
  InvalidTokenError,
  InvalidDpopProofError,
  InsufficientScopeError,
  JwksUnavailableError,
  RevocationFeedStaleError,
  RoleSyncStaleError,
)
export class SigilGuardErrorFilter implements ExceptionFilter {
  catch(error: SigilError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const refusal = refusalOf(error, request);
    const body: GuardErrorBody = { error: error.code, message: error.message };
    if (typeof request.id === "string") body.requestId = request.id;
    sendJson(http.getResponse<HttpResponse>(), refusal?.status ?? 500, body);
  }
}
