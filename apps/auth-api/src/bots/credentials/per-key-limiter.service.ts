import { Injectable } from "@nestjs/common";
import { RateLimitedError } from "@sigil/core";
import { RateLimiterRes } from "rate-limiter-flexible";
import { AppConfig } from "@sigil/config";
import { MetricsService } from "../../platform/metrics/metrics.service.js";
import { ResilientLimiter } from "../../platform/rate-limit/resilient-limiter.js";
import { RedisService } from "../../platform/rate-limit/redis.service.js";

// One limiter serves every per-key budget: each request costs BUDGET / limit points, so a key
// with limit N gets exactly N requests a minute (N ≤ 10,000), shared through Redis when set.
const BUDGET = 1_000_000_000;
const MAX_LIMIT = 10_000;

/** Per-delegation and per-API-key request limits (requests per minute, 0 = none of its own). */
@Injectable()
export class PerKeyLimiter {
  private readonly limiter: ResilientLimiter;

  constructor(config: AppConfig, metrics: MetricsService, redis: RedisService) {
    this.limiter = new ResilientLimiter({
      redis: redis.client,
      prefix: config.abuse.redisPrefix,
      name: "per_key",
      points: BUDGET,
      duration: 60,
      onFallback: (limit) => metrics.rateLimitFallbacks.inc({ limiter: limit }),
    });
  }

  /** The largest per-minute limit a delegation or key may set. */
  static readonly maxLimit = MAX_LIMIT;

  /** Counts one request of `key`; throws `rate_limited` (429) past `perMinute`. */
  async consume(p: { key: string; perMinute: number }): Promise<void> {
    if (p.perMinute <= 0) return;
    try {
      await this.limiter.consume(p.key, Math.floor(BUDGET / Math.min(p.perMinute, MAX_LIMIT)));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new RateLimitedError(`this key allows ${p.perMinute} requests a minute`, {
        details: { retryAfterSeconds },
      });
    }
  }
}
