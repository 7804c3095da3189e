import { Global, Module } from "@nestjs/common";
import { ApiRateLimiter } from "./api-rate-limiter.js";
import { AuthRateLimitGuard } from "./auth-rate-limit.guard.js";
import { RateLimitService } from "./rate-limit.service.js";
import { RedisService } from "./redis.service.js";

/** Shared (Redis) or per-instance limits, bans, and the Redis connection the health check reads. */
@Global()
@Module({
  providers: [RedisService, RateLimitService, AuthRateLimitGuard, ApiRateLimiter],
  exports: [RedisService, RateLimitService, AuthRateLimitGuard, ApiRateLimiter],
})
export class RateLimitModule {}
