import type { KeyObject } from "node:crypto";
import { fetchJson } from "../http/fetch-json.js";
import type { ResolvedVerifierOptions } from "../options/verifier-options.js";
import { parseJwks } from "./parse-jwks.js";

/** Outcome of asking for a JWKS refetch. */
export type JwksRefetch = "refreshed" | "failed" | "throttled";

/**
 * The issuer's verification keys, fetched at boot, refreshed in the background and on demand
 * when a token names an unknown `kid` (rotation is publish-before-use). On-demand fetches are
 * coalesced and spaced by a cooldown, so a flood of bogus kids costs the issuer one request.
 * A failed fetch keeps the keys already held.
 */
export class JwksCache {
  private keys = new Map<string, KeyObject>();
  private inFlight: Promise<boolean> | undefined;
  /** Monotonic time of the last fetch an unknown kid caused (background ones do not count). */
  private lastOnDemandAt = Number.NEGATIVE_INFINITY;
  private lastAttemptFailed = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** JWKS requests made so far (for health output and tests). */
  fetches = 0;

  constructor(private readonly options: ResolvedVerifierOptions) {}

  /** First fetch, then the background refresh; resolves even when the fetch fails. */
  async start(): Promise<void> {
    await this.refresh();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** The key for `kid`, if the issuer publishes it. */
  get(kid: string): KeyObject | undefined {
    return this.keys.get(kid);
  }

  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  /** Number of keys held; 0 until the JWKS has been fetched once. */
  get size(): number {
    return this.keys.size;
  }

  /** Whether the last fetch attempt failed (the issuer may hold keys we cannot see). */
  get failing(): boolean {
    return this.lastAttemptFailed;
  }

  /** Refetches unless a fetch is under way (then waits for it) or the cooldown has not passed. */
  async refetch(): Promise<JwksRefetch> {
    if (this.inFlight) return (await this.inFlight) ? "refreshed" : "failed";
    const now = performance.now();
    if (now - this.lastOnDemandAt < this.options.jwksCooldownMs) return "throttled";
    this.lastOnDemandAt = now;
    return (await this.refresh()) ? "refreshed" : "failed";
  }

  private refresh(): Promise<boolean> {
    this.inFlight ??= this.fetchKeys().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<boolean> {
    this.fetches += 1;
    try {
      const document = await fetchJson({ url: this.options.jwksUrl, timeoutMs: this.options.fetchTimeoutMs });
      this.keys = parseJwks(document);
      if (this.lastAttemptFailed) this.options.logger.info(`JWKS fetched again (${this.keys.size} keys)`);
      this.lastAttemptFailed = false;
      return true;
    } catch (error) {
      if (!this.lastAttemptFailed) {
        this.options.logger.warn(
          `JWKS fetch failed, keeping ${this.keys.size} cached keys: ${describe(error)}`,
        );
      }
      this.lastAttemptFailed = true;
      return false;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    // Without any key every request fails, so retry at the cooldown pace instead of waiting minutes.
    const delay = this.keys.size === 0 ? this.options.jwksCooldownMs : this.options.jwksRefreshIntervalMs;
    this.timer = setTimeout(() => void this.refresh().finally(() => this.schedule()), delay);
    this.timer.unref();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
