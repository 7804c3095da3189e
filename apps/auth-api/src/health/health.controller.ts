import { Controller, Get, Res, ServiceUnavailableException } from "@nestjs/common";
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  type HealthIndicatorResult,
  HealthIndicatorService,
} from "@nestjs/terminus";
import { ChainClients, checkChain } from "@sigil/chain";
import { isSigilError } from "@sigil/core";
import { describeDatabase } from "@sigil/persistence";
import type { HttpReply } from "../platform/http/http-types.js";
import { DataSource } from "typeorm";
import { Public } from "../platform/http/route-policy.js";
import { RedisService } from "../platform/rate-limit/redis.service.js";
import { RateLimitWeight } from "../platform/rate-limit/rate-limit-weight.js";

/** Liveness (the process answers) and readiness (database and every chain answer). */
@Controller("health")
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly chains: ChainClients,
    private readonly redis: RedisService,
  ) {}

  @Get("live")
  live(): { status: "ok" } {
    return { status: "ok" };
  }

  @Get("ready")
  @HealthCheck()
  // Reads the database and every chain: the costliest public route.
  @RateLimitWeight(5)
  async ready(@Res({ passthrough: true }) response: HttpReply): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.database(),
        ...(this.redis.client ? [() => this.redisStatus()] : []),
        ...this.chains.all().map((chain) => () => this.chain(chain.chainId)),
      ]);
    } catch (error) {
      // Terminus signals "not ready" with a 503 exception; keep its body (what is down and why).
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }

  /** The kind only: readiness is public, so it names no database user, host or database (J9). */
  private async database(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check("database");
    const { kind } = describeDatabase(this.dataSource);
    try {
      await this.dataSource.query("SELECT 1");
      return check.up({ kind });
    } catch {
      return check.down({ kind, error: "database_unavailable" });
    }
  }

  /**
   * Redis down leaves the instance serving (limits fall back per instance, never open), so it is
   * reported as degraded, not as not-ready: taking every instance out would be the bigger outage.
   */
  private async redisStatus(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check("redis");
    const status = await this.redis.check();
    return status?.up
      ? check.up({ limits: "shared" })
      : check.up({ limits: "per_instance", degraded: true, error: "redis_unavailable" });
  }

  private async chain(chainId: number): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(`chain:${chainId}`);
    try {
      const status = await checkChain(this.chains.get(chainId));
      return check.up({
        name: status.name,
        blockNumber: status.blockNumber.toString(),
        blockHash: status.blockHash,
        registry: status.registry,
      });
    } catch (error) {
      return check.down({ error: isSigilError(error) ? error.code : "internal_error" });
    }
  }
}
