import { fetchJson, UpstreamRequestError } from "../http/fetch-json.js";
import type { ResolvedVerifierOptions } from "../options/verifier-options.js";
import { RoleSyncStaleError } from "../errors/verifier-errors.js";
import type { SigilPrincipal } from "../principal/sigil-principal.js";
import { type Narrowing, parseRevocations, type RevocationPage } from "./parse-revocations.js";
import { staleRoleSync } from "./stale-role-sync.js";

// Catching up after an outage: pages read back to back in one poll before yielding to the timer.
const MAX_PAGES_PER_POLL = 20;

/**
 * Revoked sessions, learnt by polling the issuer's revocation feed every `intervalMs` (one poll
 * in flight at a time). Each sid is kept until its `expiresAt` (plus the clock tolerance), after
 * which no token of that session can verify anyway. Disabled (never revoked, never stale) when no feed is configured.
 */
export class RevocationFeed {
  private readonly revoked = new Map<string, number>();
  /** Sessions narrowed by on-chain role changes, each kept until its tokens have expired. */
  private readonly narrowed = new Map<string, Narrowing[]>();
  /** Local time (ms) at which each chain's roles were last confirmed by the issuer. */
  private readonly rolesConfirmedAt = new Map<number, number>();
  private readonly authorization: string | undefined;
  private cursor: string | undefined;
  /** Whether the last answer is recent enough; a timer clears it, so requests read no clock. */
  private fresh = false;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private staleTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Aborts an in-flight (long) poll at shutdown. */
  private readonly shutdown = new AbortController();
  /** Feed requests made so far (for health output and tests). */
  polls = 0;

  constructor(private readonly options: ResolvedVerifierOptions) {
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

  /** First poll, then the schedule; resolves even when the poll fails. */
  async start(): Promise<void> {
    if (!this.options.revocations) {
      this.options.logger.warn(
        "no revocation feed configured: revoked sessions stay usable until their tokens expire",
      );
      return;
    }
    await this.poll();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.shutdown.abort();
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

  /**
   * Throws `role_sync_stale` naming the chain when a route requiring `required` depends on roles the
   * issuer confirmed longer ago than allowed: the sign-in chain's (when reported) and every chain the
   * token's `scope_chains` lists for a required scope (never reported: stale). See {@link staleRoleSync}.
   */
  assertRolesFresh(principal: SigilPrincipal, required: readonly string[]): void {
    const scopeChains = principal.claims.scope_chains;
    if (this.options.revocations === undefined) return;
    if (this.rolesConfirmedAt.size === 0 && scopeChains === undefined) return;
    const stale = staleRoleSync({
      signInChainId: principal.chainId,
      required,
      scopeChains,
      confirmedAt: this.rolesConfirmedAt,
      nowMs: this.nowMs(),
      maxAgeMs: this.options.revocations.maxRoleSyncAgeMs,
    });
    if (stale === undefined) return;
    const since = stale.ageMs === null ? "" : ` for ${stale.ageMs} ms`;
    throw new RoleSyncStaleError(
      stale.scope === undefined
        ? `the issuer has not confirmed chain ${stale.chainId}'s roles${since}`
        : `scope ${stale.scope} comes from chain ${stale.chainId}, whose roles the issuer has not confirmed${since || " yet"}`,
      { details: { ...stale } },
    );
  }

  /**
   * The scopes a token of `sid` issued at `issuedAtSeconds` may still use, when the session was
   * narrowed after it was issued; undefined when no narrowing applies.
   */
  narrowedScopes(sid: string, issuedAtSeconds: number): ReadonlySet<string> | undefined {
    const entries = this.narrowed.get(sid);
    if (entries === undefined) return undefined;
    let allowed: Set<string> | undefined;
    for (const entry of entries) {
      if (issuedAtSeconds * 1000 > entry.revokedAtMs) continue;
      allowed = new Set(allowed ? entry.scopes.filter((scope) => allowed!.has(scope)) : entry.scopes);
    }
    return allowed;
  }

  /**
   * Reads pages until caught up (the issuer says no more entries follow, or a page is empty):
   * only then is freshness renewed (a feed that keeps us behind ends in 503, as an unreachable one does).
   */
  private async poll(): Promise<void> {
    const feed = this.options.revocations!;
    try {
      for (let page = 0; page < MAX_PAGES_PER_POLL && !this.stopped; page += 1) {
        // Freshness dates from when the question was asked, not when the answer came; a long poll
        // is answered from a read made when it returns, so it dates from the answer.
        const askedAt = performance.now();
        const page = await this.fetchPage();
        const asOf = feed.longPollMs > 0 && this.cursor !== undefined ? performance.now() : askedAt;
        // Caught up: the issuer says nothing follows, or (issuers that do not say) the page is empty.
        // Waiting for an empty page under a steady stream of long-polled revocations would never end.
        if (this.readPage(page) === 0 || page.more === false) {
          this.markFresh(asOf + feed.maxStalenessMs - performance.now());
          break;
        }
      }
      if (this.failing) this.options.logger.info("revocation feed answering again");
      this.failing = false;
    } catch (error) {
      // A cursor the issuer no longer accepts: start over from its full window (the last 15 min).
      if (error instanceof UpstreamRequestError && (error.status === 400 || error.status === 410)) {
        this.cursor = undefined;
      }
      if (!this.failing) this.options.logger.warn(`revocation feed poll failed: ${describe(error)}`);
      this.failing = true;
    }
  }

  private async fetchPage(): Promise<RevocationPage> {
    const feed = this.options.revocations!;
    this.polls += 1;
    const wait = this.cursor === undefined ? 0 : feed.longPollMs;
    return parseRevocations(
      await fetchJson({
        url: this.cursor === undefined ? feed.url : withCursor(feed.url, this.cursor, wait),
        headers: { authorization: this.authorization! },
        timeoutMs: this.options.fetchTimeoutMs + wait,
        signal: this.shutdown.signal,
      }),
    );
  }

  /** Records a page's revocations, forgets expired ones, advances the cursor; returns the count. */
  private readPage(page: RevocationPage): number {
    const nowMs = this.nowMs();
    // Kept past expiresAt by the clock tolerance, as long as the guard would still accept a token.
    const grace = this.options.clockToleranceSeconds * 1000;
    for (const { sid, expiresAtMs } of page.revoked) {
      const until = expiresAtMs + grace;
      if (until > nowMs) this.revoked.set(sid, Math.max(until, this.revoked.get(sid) ?? 0));
    }
    for (const [sid, until] of this.revoked) if (until <= nowMs) this.revoked.delete(sid);
    for (const entry of page.narrowed) {
      const kept = { ...entry, expiresAtMs: entry.expiresAtMs + grace };
      if (kept.expiresAtMs > nowMs)
        this.narrowed.set(entry.sid, [...(this.narrowed.get(entry.sid) ?? []), kept]);
    }
    for (const [sid, entries] of this.narrowed) {
      const live = entries.filter((entry) => entry.expiresAtMs > nowMs);
      if (live.length === 0) this.narrowed.delete(sid);
      else if (live.length !== entries.length) this.narrowed.set(sid, live);
    }
    for (const { chainId, ageMs } of page.roleSync ?? []) {
      this.rolesConfirmedAt.set(chainId, ageMs === null ? Number.NEGATIVE_INFINITY : nowMs - ageMs);
    }
    this.cursor = page.cursor;
    return page.size;
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
    const feed = this.options.revocations!;
    // Long polls follow each other at once; after a failure, or without long polls, wait the interval.
    this.timer = setTimeout(
      () => void this.poll().finally(() => this.schedule()),
      feed.longPollMs > 0 && !this.failing ? 0 : feed.intervalMs,
    );
    this.timer.unref();
  }

  private nowMs(): number {
    return this.options.now ? this.options.now().getTime() : Date.now();
  }
}

function withCursor(url: string, cursor: string, waitMs: number): string {
  const next = new URL(url);
  next.searchParams.set("after", cursor);
  if (waitMs > 0) next.searchParams.set("wait", String(waitMs));
  return next.toString();
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, "+");
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
