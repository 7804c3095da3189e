import { type CanActivate, type ExecutionContext, Injectable } from "@nestjs/common";
import type { HttpReply, HttpRequest } from "../http/http-types.js";
import { walletNamedIn } from "@sigil/siwe";
import { clientKey } from "./client-key.js";
import { RateLimitService } from "./rate-limit.service.js";

const WALLET = /^0x[0-9a-fA-F]{40}$/;

/**
 * Tighter limits on the sign-in routes (SECURITY-TESTS A12, F3): per client address on every
 * route (nonce, challenge, login, refresh), and per client address and wallet on challenge and on
 * login (separate budgets, so one sign-in costs one of each). A wallet is refused for everyone
 * only while its budget of failures that carried its own signature is spent (J1). Shared through
 * Redis when configured.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  constructor(private readonly limits: RateLimitService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const response = context.switchToHttp().getResponse<HttpReply>();
    const client = clientKey(request.ip);
    const common = { response, requestId: request.id, clientAddress: request.ip };
    await this.limits.check({ ...common, limit: "auth_ip", keyKind: "ip", key: client });
    const body = request.body as { message?: unknown; address?: unknown } | undefined;
    // Challenge names the wallet in its body, login in the message's second line.
    const [limit, named] =
      typeof body?.address === "string"
        ? (["auth_wallet_challenge", body.address] as const)
        : ([
            "auth_wallet_login",
            typeof body?.message === "string" ? walletNamedIn(body.message) : undefined,
          ] as const);
    if (named === undefined || !WALLET.test(named)) return true;
    const wallet = named.toLowerCase();
    await this.limits.assertWalletOpen({ response, wallet, requestId: request.id });
    // Unverified requests spend (and get banned from) only their own client's budget for the wallet.
    await this.limits.check({ ...common, limit, keyKind: "ip_wallet", key: `${client}|${wallet}`, wallet });
    return true;
  }
}
