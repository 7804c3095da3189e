import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from "rate-limiter-flexible";

/** One limit: `points` per `duration` seconds, under a name unique within the app. */
export interface LimiterParameters {
  redis: Redis | undefined;
  /** Namespace in Redis (instances sharing a Redis share limits only under the same prefix). */
  prefix: string;
  name: string;
  points: number;
  duration: number;
  /** Called each time Redis failed and the per-instance limiter decided instead. */
  onFallback: (name: string) => void;
}

/**
 * A rate-limiter-flexible limiter that is atomic across instances through Redis (a Lua script per
 * call), and falls back to a per-instance memory limiter of the same size when Redis fails:
 * limits loosen to per-instance for the outage but never open.
 */
export class ResilientLimiter {
  readonly points: number;
  private readonly shared: RateLimiterRedis | undefined;
  private readonly local: RateLimiterMemory;

  constructor(private readonly p: LimiterParameters) {
    this.points = p.points;
    const options = { keyPrefix: `${p.prefix}:${p.name}`, points: p.points, duration: p.duration };
    this.local = new RateLimiterMemory(options);
    this.shared = p.redis
      ? new RateLimiterRedis({ ...options, storeClient: p.redis, rejectIfRedisNotReady: true })
      : undefined;
  }

  /** Resolves with the state after consuming; rejects with a `RateLimiterRes` when over the limit. */
  consume(key: string, points = 1): Promise<RateLimiterRes> {
    return this.either((limiter) => limiter.consume(key, points));
  }

  /** The state of `key`, or null when it has none. */
  get(key: string): Promise<RateLimiterRes | null> {
    return this.either((limiter) => limiter.get(key));
  }

  /** Blocks `key` for `seconds`. */
  block(key: string, seconds: number): Promise<RateLimiterRes> {
    return this.either((limiter) => limiter.block(key, seconds));
  }

  delete(key: string): Promise<boolean> {
    return this.either((limiter) => limiter.delete(key));
  }

  private async either<T>(call: (limiter: RateLimiterRedis | RateLimiterMemory) => Promise<T>): Promise<T> {
    if (!this.shared) return call(this.local);
    try {
      return await call(this.shared);
    } catch (error) {
      // A RateLimiterRes is a decision (over the limit); anything else is the store failing.
      if (!(error instanceof Error)) throw error;
      this.p.onFallback(this.p.name);
      return call(this.local);
    }
  }
}
