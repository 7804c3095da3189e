import { Global, Module } from "@nestjs/common";
import { APP_INTERCEPTOR } from "@nestjs/core";
import { ApiRateLimitInterceptor } from "./api-rate-limit.interceptor.js";
import { AuthRateLimitGuard } from "./auth-rate-limit.guard.js";
import { RateLimitService } from "./rate-limit.service.js";
import { RedisService } from "./redis.service.js";

/** Shared (Redis) or per-instance limits, bans, and the Redis connection the health check reads. */
@Global()
@Module({
  providers: [
    RedisService,
    RateLimitService,
    AuthRateLimitGuard,
    { provide: APP_INTERCEPTOR, useClass: ApiRateLimitInterceptor },
  ],
  exports: [RedisService, RateLimitService, AuthRateLimitGuard],
})
export class RateLimitModule {}
