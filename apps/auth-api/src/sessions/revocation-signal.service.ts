import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from "@nestjs/common";
import { describeDatabase } from "@sigil/persistence";
import pg from "pg";
import { DataSource } from "typeorm";

/** The channel every revocation (or narrowing) notifies, in the transaction that writes it. */
export const REVOCATION_CHANNEL = "sigil_revocations";

/**
 * Wakes long-polling readers of the revocation feed when any instance writes to it: Postgres
 * LISTEN/NOTIFY on a connection of its own. Embedded PGlite has no notifications across
 * connections, so there waiters re-check every 100 ms instead.
 */
@Injectable()
export class RevocationSignalService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger("RevocationSignal");
  private readonly waiters = new Set<() => void>();
  private listener: pg.Client | undefined;
  private stopped = false;

  constructor(private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    const url = (this.dataSource.options as { url?: string }).url;
    if (describeDatabase(this.dataSource).kind !== "postgres" || !url) return;
    await this.listen(url);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.listener?.end().catch(() => undefined);
  }

  /** Whether notifications arrive (otherwise waiting falls back to short re-checks). */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  /**
   * Waits up to `timeoutMs` for `changed()` to become true, re-checking on every notification
   * (and every 100 ms without them, every second with them as a safety net).
   */
  async waitFor(changed: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!this.stopped) {
      if (await changed()) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, this.listener ? 1_000 : 100));
        this.waiters.add(done);
      });
    }
    return false;
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private async listen(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url, application_name: "sigil-revocation-signal" });
    client.on("notification", () => this.wake());
    client.on("error", (error) => {
      this.logger.warn(`revocation notifications lost (${error.message}); reconnecting`);
      this.listener = undefined;
      client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.listen(url).catch(() => undefined), 1_000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      await client.end().catch(() => undefined);
      this.logger.warn(
        `cannot LISTEN for revocations: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (!this.stopped) setTimeout(() => void this.listen(url).catch(() => undefined), 1_000).unref();
    }
  }
}
