// What every closed-loop load of the bench shares: JSON POSTs over one undici pool, N clients
// repeating an iteration until time is up, errors counted by message, latency percentiles.
import type { Dispatcher, Pool } from "undici";
import type { LoadResult } from "./login-load.js";

/** POSTs JSON through `pool`; a non-200 answer throws its `error` code. */
export function jsonPoster(pool: Pool) {
  return async (path: string, body: unknown): Promise<Record<string, string>> =>
    jsonOf(
      await pool.request({
        method: "POST",
        path,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
}

/** GETs JSON through `pool`; a non-200 answer throws its `error` code. */
export function jsonGetter(pool: Pool) {
  return async (path: string): Promise<Record<string, string>> =>
    jsonOf(await pool.request({ method: "GET", path }));
}

async function jsonOf(response: Dispatcher.ResponseData): Promise<Record<string, string>> {
  const json = (await response.body.json()) as Record<string, string>;
  if (response.statusCode !== 200) throw new Error(String(json.error ?? response.statusCode));
  return json;
}

export interface ClosedLoopParameters {
  concurrency: number;
  seconds: number;
  onProgress?: (completed: number, elapsedSeconds: number) => void;
  /** One timed unit of work by client `client`. */
  iteration: (client: number) => Promise<void>;
  /** After a failed iteration (e.g. sign in again), not timed. */
  recover?: (client: number) => Promise<void>;
}

/** Runs `iteration` in `concurrency` clients for `seconds`, back to back, and reports the rate. */
export async function runClosedLoop(p: ClosedLoopParameters): Promise<LoadResult> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let completed = 0;
  const started = performance.now();
  const until = started + p.seconds * 1000;
  const progress = setInterval(() => p.onProgress?.(completed, (performance.now() - started) / 1000), 1000);
  const client = async (index: number) => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        await p.iteration(index);
        latencies.push(performance.now() - t0);
        completed += 1;
      } catch (error) {
        const key = error instanceof Error ? error.message : String(error);
        errors[key] = (errors[key] ?? 0) + 1;
        await p.recover?.(index);
      }
    }
  };
  await Promise.all(Array.from({ length: p.concurrency }, (_, index) => client(index)));
  clearInterval(progress);
  const seconds = (performance.now() - started) / 1000;
  const { p50Ms, p99Ms } = percentiles(latencies);
  return { completed, errors, seconds, perSecond: completed / seconds, p50Ms, p99Ms };
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** p50, p99 and the maximum of `samples` (ms); NaN when there are none. */
export function percentiles(samples: number[]): { p50Ms: number; p99Ms: number; maxMs: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? NaN };
}
