import { Injectable } from "@nestjs/common";
import { RateLimitedError } from "@sigil/core";
import type { HttpReply } from "../http/http-types.js";
import { RateLimiterRes } from "rate-limiter-flexible";
import { AppConfig } from "@sigil/config";
import { MetricsService } from "../metrics/metrics.service.js";
import { SecurityEventsService } from "../security-events/security-events.service.js";
import { RedisService } from "./redis.service.js";
import { ResilientLimiter } from "./resilient-limiter.js";

/**
 * Names of the limits. Auth ones are the stricter sign-in budgets (`auth_wallet_*` per client
 * address and wallet); `token` covers bot token routes and revocation; `api` covers every route.
 */
export type LimitName = "auth_ip" | "auth_wallet_challenge" | "auth_wallet_login" | "token" | "api";

/** One request against one limit. */
export interface LimitCheck {
  limit: LimitName;
  /** Kind of key, for metrics and events: `ip`, `ip_wallet`, `session`, `client`. */
  keyKind: string;
  key: string;
  /** For the events of a ban: the wallet and the client address the key stands for. */
  wallet?: string | undefined;
  clientAddress?: string | undefined;
  /** Route weight: points this request costs. */
  weight?: number;
  response: HttpReply;
  requestId?: string | undefined;
}

const VIOLATION_WINDOW_SECONDS = 600;
const MAX_BAN_SECONDS = 86_400;

/**
 * Every limit of the app, shared through Redis when configured (atomic across instances) and
 * per instance otherwise or while Redis is down. Repeated violations earn escalating bans.
 */
@Injectable()
export class RateLimitService {
  private readonly limits: Partial<Record<LimitName, ResilientLimiter>> = {};
  private readonly violations: ResilientLimiter | undefined;
  /** Failed sign-ins per wallet that carried the wallet's own verifying signature (J1). */
  private readonly walletFailures: ResilientLimiter | undefined;
  /** Signed messages already counted in `walletFailures` this window: a replay proves nothing new. */
  private readonly countedMessages: ResilientLimiter | undefined;
  private readonly banCount: ResilientLimiter;
  private readonly bans: ResilientLimiter;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly events: SecurityEventsService,
    redis: RedisService,
  ) {
    const { abuse, authRateLimit } = config;
    const limiter = (name: string, points: number, duration: number) =>
      new ResilientLimiter({
        redis: redis.client,
        prefix: abuse.redisPrefix,
        name,
        points,
        duration,
        onFallback: (limit) => metrics.rateLimitFallbacks.inc({ limiter: limit }),
      });
    const window = abuse.authWindowSeconds;
    if (authRateLimit.perIpPerMinute > 0)
      this.limits.auth_ip = limiter("auth_ip", authRateLimit.perIpPerMinute, window);
    if (authRateLimit.perAddressPerMinute > 0) {
      this.limits.auth_wallet_challenge = limiter(
        "auth_wallet_challenge",
        authRateLimit.perAddressPerMinute,
        window,
      );
      this.limits.auth_wallet_login = limiter("auth_wallet_login", authRateLimit.perAddressPerMinute, window);
      this.walletFailures = limiter("auth_wallet_failures", authRateLimit.perAddressPerMinute, window);
      this.countedMessages = limiter("auth_wallet_failure_messages", 1, window);
    }
    if (abuse.tokenPerClient > 0) this.limits.token = limiter("token", abuse.tokenPerClient, window);
    if (abuse.apiPointsPerSecond > 0) this.limits.api = limiter("api", abuse.apiPointsPerSecond, 1);
    this.violations =
      abuse.banThreshold > 0
        ? limiter("violations", abuse.banThreshold, VIOLATION_WINDOW_SECONDS)
        : undefined;
    this.banCount = limiter("ban_count", 1_000_000, MAX_BAN_SECONDS);
    this.bans = limiter("bans", 1, MAX_BAN_SECONDS);
  }

  /** Whether `limit` is switched on (0 in the configuration switches it off). */
  enabled(limit: LimitName): boolean {
    return this.limits[limit] !== undefined;
  }

  /**
   * Consumes `weight` points of `limit` for `key`, setting `RateLimit-*` headers; throws
   * `rate_limited` (429, `Retry-After`) when over the limit or while the key is banned.
   */
  async check(check: LimitCheck): Promise<void> {
    const limiter = this.limits[check.limit];
    if (!limiter) return;
    const key = `${check.keyKind}:${check.key}`;
    const ban = this.violations ? await this.bans.get(key) : null;
    if (ban && ban.consumedPoints > this.bans.points) {
      this.reject(check, ban.msBeforeNext, { banned: true });
    }
    try {
      const state = await limiter.consume(key, check.weight ?? 1);
      setHeaders(check.response, limiter.points, state);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      setHeaders(check.response, limiter.points, rejection);
      const banned = await this.recordViolation(check, key);
      this.reject(check, banned ? banned * 1000 : rejection.msBeforeNext, { banned: banned !== undefined });
    }
  }

  /**
   * Refuses (429) sign-in requests naming `wallet` while its budget of verified failures is spent.
   * Reads only: a request that proves nothing must never spend or extend a wallet's lock (J1).
   */
  async assertWalletOpen(p: {
    wallet: string;
    response: HttpReply;
    requestId?: string | undefined;
  }): Promise<void> {
    if (!this.walletFailures) return;
    const state = await this.walletFailures.get(`wallet:${p.wallet.toLowerCase()}`);
    if (!state || state.consumedPoints < this.walletFailures.points) return;
    this.reject({ limit: "auth_wallet_failures", keyKind: "wallet", ...p }, state.msBeforeNext, {
      banned: false,
    });
  }

  /**
   * Counts a failed sign-in whose signature verified as `wallet`'s own (J1), once per signed
   * message (`messageDigest`): replaying one captured signature cannot lock the wallet.
   */
  async recordWalletFailure(wallet: string, messageDigest: string): Promise<void> {
    if (!this.walletFailures || !this.countedMessages) return;
    try {
      await this.countedMessages.consume(`wallet:${wallet.toLowerCase()}|${messageDigest}`);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return;
      throw rejection;
    }
    try {
      await this.walletFailures.consume(`wallet:${wallet.toLowerCase()}`);
    } catch (rejection) {
      // Over the budget: the wallet is locked already (until the window ends), nothing to add.
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
    }
  }

  /** Counts a violation; past the threshold, bans the key (doubling per ban within a day). */
  private async recordViolation(check: LimitCheck, key: string): Promise<number | undefined> {
    if (!this.violations) return undefined;
    try {
      await this.violations.consume(key);
      return undefined;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
    }
    await this.violations.delete(key);
    const count = (await this.banCount.consume(key)).consumedPoints;
    const seconds = Math.min(this.config.abuse.banSeconds * 2 ** (count - 1), MAX_BAN_SECONDS);
    await this.bans.block(key, seconds);
    await this.events.emit({
      type: "ban",
      reason: `${check.limit}_violations`,
      subject: check.wallet ?? null,
      clientAddress: check.clientAddress ?? (check.keyKind === "ip" ? check.key : null),
      requestId: check.requestId ?? null,
      data: { keyKind: check.keyKind, banNumber: count, seconds, limit: check.limit },
      occurredAt: new Date(),
    });
    return seconds;
  }

  private reject(
    check: { limit: string; keyKind: string; response: HttpReply },
    msBeforeNext: number,
    p: { banned: boolean },
  ): never {
    const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
    this.metrics.rateLimitRejections.inc({ limiter: check.limit, key: p.banned ? "ban" : check.keyKind });
    check.response.header("Retry-After", String(retryAfterSeconds));
    throw new RateLimitedError(
      p.banned
        ? "temporarily banned after repeated limit violations; retry later"
        : "too many requests; retry later",
      { details: { retryAfterSeconds, ...(p.banned ? { banned: true } : {}) } },
    );
  }
}

/** IETF RateLimit header fields; with several limits on one request, the tightest wins. */
function setHeaders(response: HttpReply, limit: number, state: RateLimiterRes): void {
  const remaining = Math.max(0, limit - state.consumedPoints);
  const previous = Number(response.getHeader("RateLimit-Remaining") ?? Infinity);
  if (remaining > previous) return;
  response.header("RateLimit-Limit", String(limit));
  response.header("RateLimit-Remaining", String(remaining));
  response.header("RateLimit-Reset", String(Math.max(0, Math.ceil(state.msBeforeNext / 1000))));
}
