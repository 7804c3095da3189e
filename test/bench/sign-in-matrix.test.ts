// The sign-in matrix's summaries (scripts/bench/sign-in-matrix.ts): medians and CPU per sign-in
// over several rounds, which the README's sign-in rows are.
import os from "node:os";
import { median } from "../../scripts/bench/closed-loop.js";
import { combineCpu } from "../../scripts/bench/sign-in-matrix.js";

describe("benchmark sign-in matrix summaries", () => {
  it("takes the middle value, or the mean of the middle two, whatever the order", () => {
    expect(median([953, 797, 868])).toBe(868);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("weights each round's CPU per sign-in by the sign-ins it did", () => {
    const cores = os.availableParallelism();
    const combined = combineCpu([
      // 100 sign-ins at 2 ms of auth-api, then 300 at 1 ms: 500 ms over 400 sign-ins.
      { cpu: { perUnitMs: { "auth-api": 2, postgres: 0.5 }, totalMs: 2.5, ceilingPerSecond: 0 }, units: 100 },
      { cpu: { perUnitMs: { "auth-api": 1 }, totalMs: 1, ceilingPerSecond: 0 }, units: 300 },
    ]);
    expect(combined.perUnitMs["auth-api"]).toBeCloseTo(1.25, 10);
    // Postgres ran only in the first round: 50 ms over all 400 sign-ins.
    expect(combined.perUnitMs.postgres).toBeCloseTo(0.125, 10);
    expect(combined.totalMs).toBeCloseTo(1.375, 10);
    expect(combined.ceilingPerSecond).toBeCloseTo((cores * 1000) / 1.375, 6);
  });

  it("reports nothing, not a division by zero, when no round signed anyone in", () => {
    const combined = combineCpu([
      { cpu: { perUnitMs: { "auth-api": 3 }, totalMs: 3, ceilingPerSecond: 0 }, units: 0 },
    ]);
    expect(combined).toEqual({ perUnitMs: {}, totalMs: 0, ceilingPerSecond: 0 });
  });
});
