import { type CanActivate, type ExecutionContext, Injectable } from "@nestjs/common";
import { RateLimitedError } from "@sigil/core";
import type { Request, Response } from "express";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { AppConfig } from "../config/app-config.js";

/** The address line of a SIWE message (line 2), for the per-address login limit. */
const ADDRESS_LINE = /^[^\n]*\n(0x[0-9a-fA-F]{40})\n/;

/**
 * Tighter limits on the sign-in routes (SECURITY-TESTS A12): per client address on every route,
 * and per wallet address on challenge and on login (separate budgets, so one sign-in costs one of
 * each). In memory per instance for now (rate-limiter-flexible).
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  private readonly perIp: RateLimiterMemory;
  private readonly perAddress: Record<"challenge" | "login", RateLimiterMemory>;

  constructor(private readonly config: AppConfig) {
    const { perIpPerMinute, perAddressPerMinute } = config.authRateLimit;
    this.perIp = new RateLimiterMemory({ keyPrefix: "auth-ip", points: perIpPerMinute, duration: 60 });
    const perAddress = (route: string) =>
      new RateLimiterMemory({ keyPrefix: `auth-addr-${route}`, points: perAddressPerMinute, duration: 60 });
    this.perAddress = { challenge: perAddress("challenge"), login: perAddress("login") };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    if (this.config.authRateLimit.perIpPerMinute > 0) {
      await this.consume(this.perIp, request.ip ?? "unknown", response);
    }
    const body = request.body as { message?: unknown; address?: unknown } | undefined;
    // Challenge names the wallet in its body, login in the message's second line.
    const [route, address] =
      typeof body?.address === "string"
        ? (["challenge", body.address] as const)
        : ([
            "login",
            typeof body?.message === "string" ? ADDRESS_LINE.exec(body.message)?.[1] : undefined,
          ] as const);
    if (address && this.config.authRateLimit.perAddressPerMinute > 0) {
      await this.consume(this.perAddress[route], address.toLowerCase(), response);
    }
    return true;
  }

  private async consume(limiter: RateLimiterMemory, key: string, response: Response): Promise<void> {
    try {
      const result = await limiter.consume(key);
      response.setHeader("RateLimit-Remaining", String(result.remainingPoints));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      response.setHeader("Retry-After", String(retryAfterSeconds));
      throw new RateLimitedError("too many sign-in requests; retry later", {
        details: { retryAfterSeconds },
      });
    }
  }
}
