import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from "@nestjs/common";
import { RoleSyncStaleError } from "@sigil/core";
import { DataSource } from "typeorm";
import { AppConfig } from "@sigil/config";

/**
 * When each chain's roles were last confirmed by the follower (whichever instance leads), read from
 * `chain_cursors` every {@link refreshEveryMs}. Scope-bearing requests on a chain whose roles are
 * older than the configured staleness are refused: allows are trusted only that long.
 */
@Injectable()
export class RoleSyncStatusService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly syncedAt = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.roleSync.enabled) return;
    await this.refresh().catch(() => undefined);
    this.schedule();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Records a confirmation made by this instance (the leader), without waiting for the next read. */
  confirmed(chainId: number, at: Date): void {
    this.syncedAt.set(chainId, Math.max(at.getTime(), this.syncedAt.get(chainId) ?? 0));
  }

  /**
   * How often each instance re-reads the confirmations (and the leader writes them): a fifth of the
   * allowed staleness, at most every 2 s, so a reported age is late by at most that much.
   */
  get refreshEveryMs(): number {
    return Math.min(2_000, Math.max(50, Math.floor(this.config.roleSync.maxStalenessMs / 5)));
  }

  get enabled(): boolean {
    return this.config.roleSync.enabled;
  }

  /** The age of every configured chain's roles, for the revocation feed (null: never confirmed). */
  ages(): { chainId: number; ageMs: number | null }[] {
    const now = Date.now();
    return this.config.chains.map(({ chainId }) => ({ chainId, ageMs: this.ageMs(chainId, now) ?? null }));
  }

  /** Milliseconds since `chainId`'s roles were confirmed, or undefined if never. */
  ageMs(chainId: number, now = Date.now()): number | undefined {
    const at = this.syncedAt.get(chainId);
    return at === undefined ? undefined : Math.max(0, now - at);
  }

  /** Whether `chainId`'s roles are recent enough to trust (always, when role sync is off). */
  isFresh(chainId: number): boolean {
    if (!this.config.roleSync.enabled) return true;
    const age = this.ageMs(chainId);
    return age !== undefined && age <= this.config.roleSync.maxStalenessMs;
  }

  /** Throws `role_sync_stale` (503) when role sync is on and `chainId`'s roles are too old to trust. */
  assertFresh(chainId: number): void {
    if (!this.isFresh(chainId)) {
      const age = this.ageMs(chainId);
      throw new RoleSyncStaleError(
        `on-chain roles of chain ${chainId} could not be confirmed recently; try again shortly`,
        { details: { chainId, ageMs: age ?? null } },
      );
    }
  }

  private async refresh(): Promise<void> {
    const rows: { chain_id: number; updated_at: Date }[] = await this.dataSource.query(
      `SELECT chain_id, updated_at FROM chain_cursors`,
    );
    for (const row of rows) this.confirmed(row.chain_id, new Date(row.updated_at));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.refresh()
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.refreshEveryMs);
    this.timer.unref();
  }
}
