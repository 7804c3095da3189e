// The sign-in load over several auth-api deployments and both sign-in flows, alternated round by
// round in one run: a drift of the machine (its speed varies by up to 2× over hours) falls on every
// configuration alike, so the figures can be compared with each other.
import os from "node:os";
import { median } from "./closed-loop.js";
import { type CpuShare, measureCpuShare } from "./cpu-by-process.js";
import { type LoadResult, runLoginLoad, type SignInFlow, type Wallet } from "./login-load.js";

export interface SignInTarget {
  /** e.g. "auto (2 processes)", "one process". */
  label: string;
  url: string;
}

export interface SignInConfiguration {
  target: string;
  flow: SignInFlow;
}

export interface SignInFigures extends SignInConfiguration {
  /** Medians over the rounds. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Every round's rate, in round order. */
  rounds: number[];
  errors: Record<string, number>;
  /** CPU per sign-in over all rounds together (every process group's time / every sign-in). */
  cpu: CpuShare;
}

export interface SignInMatrixParameters {
  targets: SignInTarget[];
  flows: SignInFlow[];
  wallets: Wallet[];
  rounds: number;
  seconds: number;
  concurrency: number;
  onProgress?: (line: string) => void;
}

/**
 * Warms every target with every flow, then runs `rounds` rounds; each round measures every
 * configuration once, in reverse order on odd rounds (A B C D, D C B A).
 */
export async function measureSignInMatrix(p: SignInMatrixParameters): Promise<SignInFigures[]> {
  const configurations = p.targets.flatMap((target) => p.flows.map((flow) => ({ target, flow })));
  for (const { target, flow } of configurations) {
    await runLoginLoad({ url: target.url, flow, wallets: p.wallets, concurrency: p.concurrency, seconds: 2 });
  }
  const samples = configurations.map(() => [] as { load: LoadResult; cpu: CpuShare }[]);
  for (let round = 0; round < p.rounds; round++) {
    const order = configurations.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    for (const index of order) {
      const { target, flow } = configurations[index]!;
      const { result, cpu } = await measureCpuShare(
        () =>
          runLoginLoad({
            url: target.url,
            flow,
            wallets: p.wallets,
            concurrency: p.concurrency,
            seconds: p.seconds,
          }),
        (load) => load.completed,
      );
      samples[index]!.push({ load: result, cpu });
      p.onProgress?.(
        `round ${round + 1}, ${target.label}, ${flow} flow: ${result.perSecond.toFixed(0)} sign-ins/s, ${cpu.totalMs.toFixed(2)} ms CPU each`,
      );
    }
  }
  return configurations.map(({ target, flow }, index) => {
    const runs = samples[index]!;
    const errors: Record<string, number> = {};
    for (const { load } of runs) {
      for (const [key, count] of Object.entries(load.errors)) errors[key] = (errors[key] ?? 0) + count;
    }
    return {
      target: target.label,
      flow,
      perSecond: median(runs.map(({ load }) => load.perSecond)),
      p50Ms: median(runs.map(({ load }) => load.p50Ms)),
      p99Ms: median(runs.map(({ load }) => load.p99Ms)),
      rounds: runs.map(({ load }) => load.perSecond),
      errors,
      cpu: combineCpu(runs.map(({ load, cpu }) => ({ cpu, units: load.completed }))),
    };
  });
}

/** CPU per unit over several measurements, each weighted by the units it did. */
export function combineCpu(parts: { cpu: CpuShare; units: number }[]): CpuShare {
  const units = parts.reduce((sum, part) => sum + part.units, 0);
  if (units === 0) return { perUnitMs: {}, totalMs: 0, ceilingPerSecond: 0 };
  const perUnitMs: CpuShare["perUnitMs"] = {};
  for (const { cpu, units: partUnits } of parts) {
    for (const [group, ms] of Object.entries(cpu.perUnitMs) as [keyof CpuShare["perUnitMs"], number][]) {
      perUnitMs[group] = (perUnitMs[group] ?? 0) + (ms * partUnits) / units;
    }
  }
  const totalMs = parts.reduce(
    (sum, { cpu, units: partUnits }) => sum + (cpu.totalMs * partUnits) / units,
    0,
  );
  return {
    perUnitMs,
    totalMs,
    ceilingPerSecond: totalMs > 0 ? (os.availableParallelism() * 1000) / totalMs : 0,
  };
}
