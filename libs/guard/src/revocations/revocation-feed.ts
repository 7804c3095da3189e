import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from "@nestjs/common";
import { fetchJson, UpstreamRequestError } from "../http/fetch-json.js";
import { type ResolvedSigilGuardOptions, SIGIL_GUARD_OPTIONS } from "../options/sigil-guard-options.js";
import { parseRevocations } from "./parse-revocations.js";

/**
 * Revoked sessions, learnt by polling the issuer's revocation feed every `intervalMs` (one poll
 * in flight at a time). Each sid is kept until its `expiresAt` (plus the clock tolerance), after
 * which no token of that session can verify anyway. Disabled (never revoked, never stale) when no feed is configured.
 */
@Injectable()
export class RevocationFeed implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger("SigilGuard");
  private readonly revoked = new Map<string, number>();
  private readonly authorization: string | undefined;
  private cursor: string | undefined;
  /** Whether the last answer is recent enough; a timer clears it, so requests read no clock. */
  private fresh = false;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private staleTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Feed requests made so far (for health output and tests). */
  polls = 0;

  constructor(@Inject(SIGIL_GUARD_OPTIONS) private readonly options: ResolvedSigilGuardOptions) {
    const feed = options.revocations;
    // RFC 6749 §2.3.1: client id and secret are form-encoded before Base64.
    this.authorization = feed
      ? `Basic ${Buffer.from(`${formEncode(feed.clientId)}:${formEncode(feed.clientSecret)}`).toString("base64")}`
      : undefined;
  }

  /** Whether a feed is configured. */
  get enabled(): boolean {
    return this.options.revocations !== undefined;
  }

  /** Revoked sessions currently remembered. */
  get size(): number {
    return this.revoked.size;
  }

  async onModuleInit(): Promise<void> {
    if (!this.options.revocations) {
      this.logger.warn(
        "no revocation feed configured: revoked sessions stay usable until their tokens expire",
      );
      return;
    }
    await this.poll();
    this.schedule();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.staleTimer);
  }

  /** True while the feed has answered within `maxStalenessMs` (always, when disabled). */
  isFresh(): boolean {
    return this.authorization === undefined || this.fresh;
  }

  isRevoked(sid: string): boolean {
    return this.revoked.has(sid);
  }

  private async poll(): Promise<void> {
    const feed = this.options.revocations!;
    // Freshness dates from when the question was asked, not when the answer came.
    const askedAt = performance.now();
    const url = this.cursor === undefined ? feed.url : withCursor(feed.url, this.cursor);
    this.polls += 1;
    try {
      const page = parseRevocations(
        await fetchJson({
          url,
          headers: { authorization: this.authorization! },
          timeoutMs: this.options.fetchTimeoutMs,
        }),
      );
      const nowMs = this.nowMs();
      // Kept past expiresAt by the clock tolerance, as long as the guard would still accept a token.
      const grace = this.options.clockToleranceSeconds * 1000;
      for (const { sid, expiresAtMs } of page.revoked) {
        const until = expiresAtMs + grace;
        if (until > nowMs) this.revoked.set(sid, Math.max(until, this.revoked.get(sid) ?? 0));
      }
      for (const [sid, until] of this.revoked) if (until <= nowMs) this.revoked.delete(sid);
      this.cursor = page.cursor;
      this.markFresh(askedAt + feed.maxStalenessMs - performance.now());
      if (this.failing) this.logger.log("revocation feed answering again");
      this.failing = false;
    } catch (error) {
      // A cursor the issuer no longer accepts: start over from its full window (the last 15 min).
      if (error instanceof UpstreamRequestError && (error.status === 400 || error.status === 410)) {
        this.cursor = undefined;
      }
      if (!this.failing) this.logger.warn(`revocation feed poll failed: ${describe(error)}`);
      this.failing = true;
    }
  }

  private markFresh(forMs: number): void {
    clearTimeout(this.staleTimer);
    this.fresh = forMs > 0;
    if (!this.fresh) return;
    this.staleTimer = setTimeout(() => (this.fresh = false), forMs);
    this.staleTimer.unref();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => void this.poll().finally(() => this.schedule()),
      this.options.revocations!.intervalMs,
    );
    this.timer.unref();
  }

  private nowMs(): number {
    return this.options.now ? this.options.now().getTime() : Date.now();
  }
}

function withCursor(url: string, cursor: string): string {
  const next = new URL(url);
  next.searchParams.set("after", cursor);
  return next.toString();
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, "+");
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
