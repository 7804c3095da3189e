// The benchmark's CPU split (scripts/bench/cpu-by-process.ts) agrees with what a process reports.
import os from "node:os";
import { cpuMsByProcess, measureCpuShare, processGroup } from "../../scripts/bench/cpu-by-process.js";

describe("benchmark CPU split by process group", () => {
  it("names the benchmark's processes by their command lines", () => {
    expect(processGroup("node dist/apps/auth-api/src/main.js ", false)).toBe("auth-api");
    expect(processGroup("node dist/apps/example-venue/src/main.js ", false)).toBe("example venue");
    expect(processGroup("node /x/node_modules/hardhat/internal/cli/cli.js node ", false)).toBe(
      "hardhat node",
    );
    expect(processGroup("postgres: 15/main: postgres sigil_bench 127.0.0.1(5000) idle", false)).toBe(
      "postgres",
    );
    expect(processGroup("node dist/apps/auth-api/src/main.js ", true)).toBe("load generator");
    expect(processGroup("bash", false)).toBe("other");
  });

  it("charges this process's CPU to the load generator, per unit, as process.cpuUsage() sees it", async () => {
    if (cpuMsByProcess().size === 0) return; // no /proc on this OS
    let used = 0;
    const outer = process.cpuUsage();
    const { cpu } = await measureCpuShare(
      async () => {
        const start = process.cpuUsage();
        // Burn 300 ms of this process's own CPU, however busy the machine is.
        while (used < 300) {
          const delta = process.cpuUsage(start);
          used = (delta.user + delta.system) / 1000;
        }
        return 3;
      },
      (units) => units,
    );
    // The whole measurement as this process counts it: the burn, reading /proc around it, and
    // whatever else its threads did meanwhile (on a busy machine, GC of a Jest worker).
    const whole = process.cpuUsage(outer);
    const wholeMs = (whole.user + whole.system) / 1000;
    // /proc counts in 10 ms ticks, read twice: within 20 ms over the 3 units, either way.
    expect(cpu.perUnitMs["load generator"]).toBeGreaterThan((300 - 20) / 3);
    expect(cpu.perUnitMs["load generator"]).toBeLessThan((wholeMs + 20) / 3);
    expect(cpu.totalMs).toBeGreaterThanOrEqual(cpu.perUnitMs["load generator"]!);
    expect(cpu.ceilingPerSecond).toBeCloseTo((os.availableParallelism() * 1000) / cpu.totalMs, 6);
  });
});
