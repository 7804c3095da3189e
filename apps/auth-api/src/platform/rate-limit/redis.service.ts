import { Injectable, Logger, type OnModuleDestroy } from "@nestjs/common";
import { Redis } from "ioredis";
import { AppConfig } from "@sigil/config";

/**
 * The optional shared Redis connection (`REDIS_URL`). Commands fail fast while disconnected
 * (no offline queue) so limiters fall back at once instead of queueing; it reconnects by itself.
 */
@Injectable()
export class RedisService implements OnModuleDestroy {
  readonly client: Redis | undefined;
  private readonly logger = new Logger("redis");
  private lastError = "";

  constructor(config: AppConfig) {
    const url = config.abuse.redisUrl;
    if (url === undefined) return;
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: 1_000,
      retryStrategy: (times) => Math.min(times * 100, 1_000),
    });
    // Without a listener ioredis would crash the process; log each distinct failure once.
    this.client.on("error", (error: Error) => {
      if (error.message === this.lastError) return;
      this.lastError = error.message;
      this.logger.warn(`redis unavailable: ${error.message}`);
    });
    this.client.on("ready", () => (this.lastError = ""));
  }

  /** Readiness probe: PING answered, or the reason it was not (undefined when Redis is not configured). */
  async check(): Promise<{ up: boolean; error?: string } | undefined> {
    if (!this.client) return undefined;
    try {
      await this.client.ping();
      return { up: true };
    } catch (error) {
      return { up: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.client?.disconnect();
  }
}
