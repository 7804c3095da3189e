import { setTimeout as sleep } from "node:timers/promises";

export { sleep };

/** Polls `probe` every `everyMs` until it returns true; throws after `timeoutMs`. Returns the ms waited. */
export async function waitFor(
  probe: () => Promise<boolean> | boolean,
  { timeoutMs = 3000, everyMs = 10 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<number> {
  const started = performance.now();
  while (!(await probe())) {
    if (performance.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
  return performance.now() - started;
}
