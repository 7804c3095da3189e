import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from "@nestjs/common";
import { describeDatabase } from "@sigil/persistence";
import pg from "pg";
import { DataSource } from "typeorm";

/**
 * The channel every change to a session's access (revocation, narrowing, new scopes) notifies, in the
 * transaction that writes it; the payload is the session id ('' = any session may have changed).
 */
export const REVOCATION_CHANNEL = "sigil_revocations";

/** How old the signal's last proof of delivery may be before in-process views of sessions stop counting. */
export const SIGNAL_STALENESS_MS = 500;
/** How often the listening connection proves it is delivering (a round trip on it). */
const HEARTBEAT_MS = 100;
/** A heartbeat unanswered this long ends the connection; the listener reconnects. */
const HEARTBEAT_TIMEOUT_MS = 5_000;

/**
 * Postgres LISTEN/NOTIFY on a connection of its own: wakes long-polling readers of the revocation feed
 * and tells in-process session views which session changed. A heartbeat on that connection bounds how
 * stale those views can be: its answer comes after every notification committed before it was sent.
 * Embedded PGlite has no notifications across connections: there waiters re-check every 100 ms and
 * `isFresh()` is always false.
 */
@Injectable()
export class RevocationSignalService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger("RevocationSignal");
  private readonly waiters = new Set<() => void>();
  private readonly subscribers = new Set<(sessionId: string | undefined) => void>();
  private listener: pg.Client | undefined;
  private stopped = false;
  /** performance.now() when the newest answered heartbeat was sent. */
  private confirmedAt: number | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    const url = (this.dataSource.options as { url?: string }).url;
    if (describeDatabase(this.dataSource).kind !== "postgres" || !url) return;
    await this.listen(url);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.wake();
    await this.listener?.end().catch(() => undefined);
  }

  /** Whether notifications arrive (otherwise waiting falls back to short re-checks). */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  /**
   * True while every session change committed more than {@link SIGNAL_STALENESS_MS} ago has been
   * delivered to this instance; false when that cannot be known (no listener, heartbeat late).
   */
  isFresh(now = performance.now()): boolean {
    return (
      this.listener !== undefined &&
      this.confirmedAt !== undefined &&
      now - this.confirmedAt <= SIGNAL_STALENESS_MS
    );
  }

  /** Resolves once every notification committed before the call has reached this instance. */
  async delivered(): Promise<void> {
    const since = performance.now();
    while (this.listener !== undefined && !this.stopped && (this.confirmedAt ?? -Infinity) < since) {
      await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS / 4));
    }
  }

  /** Calls `onChange` with each changed session's id, or undefined when any may have changed. */
  subscribe(onChange: (sessionId: string | undefined) => void): () => void {
    this.subscribers.add(onChange);
    return () => this.subscribers.delete(onChange);
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

  private changed(sessionId: string | undefined): void {
    for (const subscriber of this.subscribers) subscriber(sessionId);
  }

  private async listen(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url, application_name: "sigil-revocation-signal" });
    client.on("notification", (message) => {
      this.changed(message.payload || undefined);
      this.wake();
    });
    let lost = false;
    let beating: NodeJS.Timeout | undefined;
    const lose = (reason: string) => {
      if (lost) return;
      lost = true;
      clearInterval(beating);
      if (this.listener === client) this.listener = undefined;
      if (this.stopped) return;
      this.logger.warn(`revocation notifications lost (${reason}); reconnecting`);
      this.confirmedAt = undefined;
      // Whatever was committed until the new LISTEN may never be notified: every view starts over.
      this.changed(undefined);
      client.end().catch(() => undefined);
      setTimeout(() => void this.listen(url).catch(() => undefined), 1_000).unref();
    };
    client.on("error", (error) => lose(error.message));
    try {
      await client.connect();
      await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.listener = client;
      this.changed(undefined);
      const beat = heartbeat(
        client,
        (sent) => {
          if (this.listener === client) this.confirmedAt = sent;
        },
        lose,
      );
      this.heartbeat = beating = setInterval(beat, HEARTBEAT_MS).unref();
      beat();
    } catch (error) {
      lose(`cannot LISTEN: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * One round trip at a time on `client`: its answer comes after every notification committed before it
 * was sent, so `confirmed(sent)` is a proof of delivery up to `sent`. A lost one calls `lose`.
 */
function heartbeat(
  client: pg.Client,
  confirmed: (sent: number) => void,
  lose: (reason: string) => void,
): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    const sent = performance.now();
    const timeout = setTimeout(() => lose("heartbeat unanswered"), HEARTBEAT_TIMEOUT_MS).unref();
    client
      .query("SELECT 1")
      .then(
        () => confirmed(sent),
        (error: Error) => lose(error.message),
      )
      .finally(() => {
        clearTimeout(timeout);
        pending = false;
      });
  };
}
