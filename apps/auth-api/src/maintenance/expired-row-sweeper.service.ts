import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from "@nestjs/common";
import { sweepExpiredRows, type SweepResult } from "@sigil/persistence";
import { DataSource } from "typeorm";
import { AppConfig } from "@sigil/config";
import { AppLogger } from "../platform/logging/app-logger.js";

/**
 * Deletes expired SIWE nonces and replay keys on a schedule (J7): else every unauthenticated
 * `GET /v1/auth/nonce` leaves a row forever. Each instance schedules it; one sweeps at a time.
 */
@Injectable()
export class ExpiredRowSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    const { intervalMs } = this.config.sweep;
    if (intervalMs === 0) return;
    this.timer = setInterval(() => void this.scheduled(), intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One sweep of everything expired before `now` (tests pass a later `now` instead of waiting). */
  sweepOnce(now: Date = new Date()): Promise<SweepResult> {
    return sweepExpiredRows(this.dataSource, { now, batchSize: this.config.sweep.batchSize });
  }

  private async scheduled(): Promise<void> {
    if (this.running) return;
    const sweep = this.sweepOnce();
    this.running = sweep;
    try {
      const result = await sweep;
      if (result.batches > 0) this.logger.pino.info({ sweep: result }, "expired rows swept");
    } catch (error) {
      // A database outage only delays the sweep; the next interval tries again.
      this.logger.pino.warn({ err: error }, "sweeping expired rows failed");
    } finally {
      this.running = undefined;
    }
  }
}
