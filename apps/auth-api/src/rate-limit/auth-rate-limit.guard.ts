import { type CanActivate, type ExecutionContext, Injectable } from "@nestjs/common";
import type { HttpReply, HttpRequest } from "../http/http-types.js";
import { walletNamedIn } from "../auth/siwe-lines.js";
import { clientKey } from "./client-key.js";
import { RateLimitService } from "./rate-limit.service.js";

/**
 * Tighter limits on the sign-in routes (SECURITY-TESTS A12, F3): per client address on every
 * route (nonce, challenge, login, refresh), and per wallet address on challenge and on login
 * (separate budgets, so one sign-in costs one of each). Shared through Redis when configured.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  constructor(private readonly limits: RateLimitService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const response = context.switchToHttp().getResponse<HttpReply>();
    const common = { response, requestId: request.id, clientAddress: request.ip };
    await this.limits.check({ ...common, limit: "auth_ip", keyKind: "ip", key: clientKey(request.ip) });
    const body = request.body as { message?: unknown; address?: unknown } | undefined;
    // Challenge names the wallet in its body, login in the message's second line.
    const [limit, address] =
      typeof body?.address === "string"
        ? (["auth_wallet_challenge", body.address] as const)
        : ([
            "auth_wallet_login",
            typeof body?.message === "string" ? walletNamedIn(body.message) : undefined,
          ] as const);
    if (address) await this.limits.check({ ...common, limit, keyKind: "wallet", key: address.toLowerCase() });
    return true;
  }
}
