import { type ExecutionContext, Injectable } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import type { HttpReply, HttpRequest } from "../http/http-types.js";
import { clientKey } from "./client-key.js";
import { RATE_LIMIT_WEIGHT } from "./rate-limit-weight.js";
import { RateLimitService } from "./rate-limit.service.js";
import { TOKEN_ENDPOINT_LIMIT } from "./token-endpoint-limit.js";

/**
 * The per-caller limit on every route (`SIGIL_RATE_LIMIT_API` points per second, routes weighted
 * by {@link RateLimitWeight}), keyed by a session (token or delegation), a resource client, else
 * the client address. The access guard calls it last, once it knows the caller.
 *
 * A guard step rather than a Nest interceptor, whose rxjs chain and async resource would run on
 * every request even with the limit off; a guard step costs one awaited promise.
 */
@Injectable()
export class ApiRateLimiter {
  constructor(
    private readonly limits: RateLimitService,
    private readonly reflector: Reflector,
  ) {}

  /** Charges the request's caller; throws `rate_limited` (429) when its budget is spent. */
  async charge(context: ExecutionContext, request: HttpRequest): Promise<void> {
    if (!this.limits.enabled("api") || context.getType() !== "http") return;
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
        : ["ip", clientKey(request.ip)];
    const clientAddress = request.ip;
    await this.limits.check({
      limit: "api",
      keyKind,
      key,
      weight,
      response,
      requestId: request.id,
      clientAddress,
    });
  }

  /**
   * Charges a {@link TokenEndpointLimit} route's client address, before the guard checks the proof
   * or credential: refused proofs must spend the budget too.
   */
  async chargeTokenEndpoint(context: ExecutionContext, request: HttpRequest): Promise<void> {
    if (!this.limits.enabled("token") || context.getType() !== "http") return;
    const limited = this.reflector.getAllAndOverride<boolean | undefined>(TOKEN_ENDPOINT_LIMIT, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!limited) return;
    await this.limits.check({
      limit: "token",
      keyKind: "ip",
      key: clientKey(request.ip),
      clientAddress: request.ip,
      response: context.switchToHttp().getResponse<HttpReply>(),
      requestId: request.id,
    });
  }
}
