/** Parameters of a {@link BurstDetector}. */
export interface BurstDetectorParameters {
  /** Events per key within `windowMs` that make a burst; 0 = off. */
  threshold: number;
  windowMs: number;
  /** Most keys tracked at once (oldest dropped first) so a spray of keys cannot exhaust memory. */
  maxKeys?: number;
}

/**
 * Counts events per key in a sliding window and reports a burst once per window per key
 * (per instance: alerts are about noticing, the shared limits do the stopping).
 */
export class BurstDetector {
  private readonly hits = new Map<string, number[]>();
  private readonly alerted = new Map<string, number>();

  constructor(private readonly p: BurstDetectorParameters) {}

  /** Records one event for `key` at `now`; true exactly when this event completes a burst. */
  record(key: string, now: number): boolean {
    if (this.p.threshold <= 0) return false;
    const since = now - this.p.windowMs;
    const times = (this.hits.get(key) ?? []).filter((time) => time > since);
    times.push(now);
    this.hits.delete(key);
    this.hits.set(key, times);
    this.evict();
    if (times.length < this.p.threshold) return false;
    const last = this.alerted.get(key);
    if (last !== undefined && last > since) return false;
    this.alerted.set(key, now);
    return true;
  }

  private evict(): void {
    const max = this.p.maxKeys ?? 10_000;
    while (this.hits.size > max) this.hits.delete(this.hits.keys().next().value!);
    while (this.alerted.size > max) this.alerted.delete(this.alerted.keys().next().value!);
  }
}
