// CPU time spent by each process group of the benchmark, read from /proc (Linux): where the two
// cores went during a load, so a throughput figure can be split into its parts.
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

export type ProcessGroup =
  "auth-api" | "postgres" | "load generator" | "hardhat node" | "example venue" | "SIWE reference" | "other";

/** Which group a process belongs to, from its command line; `self` is the load generator. */
export function processGroup(commandLine: string, self: boolean): ProcessGroup {
  if (self) return "load generator";
  if (commandLine.includes("apps/auth-api/")) return "auth-api";
  if (commandLine.includes("apps/example-venue/")) return "example venue";
  if (commandLine.includes("memory-siwe-backend")) return "SIWE reference";
  if (commandLine.includes("hardhat")) return "hardhat node";
  if (commandLine.startsWith("postgres")) return "postgres";
  return "other";
}

/** CPU milliseconds (user + system) each live process has used so far, with its group, by pid. */
export function cpuMsByProcess(): Map<number, { group: ProcessGroup; ms: number }> {
  const tickMs = 1000 / 100; // USER_HZ is 100 on Linux
  const processes = new Map<number, { group: ProcessGroup; ms: number }>();
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return processes;
  }
  for (const entry of entries) {
    try {
      const pid = Number(entry);
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(fields[11]) + Number(fields[12])) * tickMs;
      processes.set(pid, { group: processGroup(commandLine, pid === process.pid), ms });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return processes;
}

export interface CpuShare {
  /** CPU ms per unit of work, by group (groups under 0.005 ms left out). */
  perUnitMs: Partial<Record<ProcessGroup, number>>;
  /** All groups together, ms per unit. */
  totalMs: number;
  /** Units per second the machine's cores could do at that cost if nothing else ran. */
  ceilingPerSecond: number;
}

/** Runs `work`, which reports how many units it did, and splits the CPU it cost by group. */
export async function measureCpuShare<T>(
  work: () => Promise<T>,
  units: (result: T) => number,
): Promise<{ result: T; cpu: CpuShare }> {
  const before = cpuMsByProcess();
  const result = await work();
  const after = cpuMsByProcess();
  const count = Math.max(1, units(result));
  // Per process: one that started during the run counts from zero; one that ended is missing (its
  // last moments are lost, never subtracted from the rest of its group).
  const byGroup = new Map<ProcessGroup, number>();
  for (const [pid, { group, ms }] of after) {
    byGroup.set(group, (byGroup.get(group) ?? 0) + ms - (before.get(pid)?.ms ?? 0));
  }
  const perUnitMs: Partial<Record<ProcessGroup, number>> = {};
  let totalMs = 0;
  for (const [group, ms] of byGroup) {
    const perUnit = Math.max(0, ms) / count;
    totalMs += perUnit;
    if (perUnit >= 0.005) perUnitMs[group] = perUnit;
  }
  return {
    result,
    cpu: { perUnitMs, totalMs, ceilingPerSecond: (os.availableParallelism() * 1000) / totalMs },
  };
}
