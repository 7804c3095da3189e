import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import type { HttpReply, HttpRequest } from "../http/http-types.js";
import { from, type Observable, switchMap } from "rxjs";
import { RATE_LIMIT_WEIGHT } from "./rate-limit-weight.js";
import { RateLimitService } from "./rate-limit.service.js";

/**
 * The per-caller limit on every route (`SIGIL_RATE_LIMIT_API` points per second, routes weighted
 * by {@link RateLimitWeight}). Runs after the access guard, so the caller is known: a session
 * (token or delegation), a resource client, else the client address.
 */
@Injectable()
export class ApiRateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly limits: RateLimitService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.limits.enabled("api") || context.getType() !== "http") return next.handle();
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const response = context.switchToHttp().getResponse<HttpReply>();
    const weight =
      this.reflector.getAllAndOverride<number | undefined>(RATE_LIMIT_WEIGHT, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 1;
    const [keyKind, key] = request.principal
      ? ["session", request.principal.session.id]
      : request.resourceClient
        ? ["client", request.resourceClient.clientId]
        : ["ip", request.ip ?? "unknown"];
    const check = this.limits.check({ limit: "api", keyKind, key, weight, response, requestId: request.id });
    return from(check).pipe(switchMap(() => next.handle()));
  }
}
