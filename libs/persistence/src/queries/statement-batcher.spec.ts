import { setImmediate as nextTurn } from "node:timers/promises";
import { runInNewContext } from "node:vm";
import { createStatementBatcher, type StatementBatcherOptions } from "./statement-batcher.js";

/** A batcher over "statements" the test finishes by hand, recording what each one received. */
function recordingBatcher(options: Partial<StatementBatcherOptions<number, number>> = {}) {
  const statements: { inputs: number[]; finish: () => void }[] = [];
  const statement = <T>(inputs: number[], result: () => T) =>
    new Promise<T>((resolve, reject) => {
      statements.push({
        inputs,
        finish: () => {
          try {
            resolve(result());
          } catch (error) {
            reject(error as Error);
          }
        },
      });
    });
  const batcher = createStatementBatcher<number, number>({
    runBatch: (inputs) => statement([...inputs], () => inputs.map((n) => n * 10)),
    runOne: (n) => statement([n], () => n * 10),
    ...options,
  });
  const finishAll = async () => {
    for (let turn = 0; turn < 20; turn++) {
      statements.filter((s) => !("done" in s)).forEach((s) => Object.assign(s, { done: true }).finish());
      await nextTurn();
    }
  };
  return { batcher, statements, finishAll };
}

describe("createStatementBatcher", () => {
  it("writes the calls of one turn of the event loop with one statement, each caller getting its own output", async () => {
    const { batcher, statements, finishAll } = recordingBatcher();
    const outputs = Promise.all([1, 2, 3, 4].map((n) => batcher.run(n)));
    await nextTurn();
    expect(statements.map((s) => s.inputs)).toEqual([[1, 2, 3, 4]]);
    await finishAll();
    expect(await outputs).toEqual([10, 20, 30, 40]);
  });

  it("runs a call alone when nothing else is waiting, within one turn", async () => {
    const { batcher, statements, finishAll } = recordingBatcher();
    const output = batcher.run(7);
    await nextTurn();
    expect(statements.map((s) => s.inputs)).toEqual([[7]]);
    await finishAll();
    expect(await output).toBe(70);
  });

  it("lets calls made while maxInFlight statements run wait, and writes them together next", async () => {
    const { batcher, statements, finishAll } = recordingBatcher({ maxInFlight: 1 });
    const first = batcher.run(1);
    await nextTurn();
    const later: Promise<number>[] = [];
    for (const n of [2, 3, 4]) {
      later.push(batcher.run(n));
      await nextTurn(); // separate turns: separate requests
    }
    expect(statements.map((s) => s.inputs)).toEqual([[1]]);
    statements[0]!.finish();
    await nextTurn();
    await nextTurn();
    expect(statements.map((s) => s.inputs)).toEqual([[1], [2, 3, 4]]);
    await finishAll();
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
  });

  it("splits at maxBatchSize, and tells onBatch each batch's size", async () => {
    const sizes: number[] = [];
    const { batcher, statements, finishAll } = recordingBatcher({
      maxBatchSize: 3,
      maxInFlight: 2,
      onBatch: (size) => sizes.push(size),
    });
    const outputs = Promise.all([1, 2, 3, 4, 5].map((n) => batcher.run(n)));
    await nextTurn();
    expect(statements.map((s) => s.inputs)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(sizes).toEqual([3, 2]);
    await finishAll();
    expect(await outputs).toEqual([10, 20, 30, 40, 50]);
  });

  it("rejects only the caller whose output is an Error", async () => {
    const batcher = createStatementBatcher<number, number>({
      runBatch: async (inputs) => inputs.map((n) => (n === 2 ? new RangeError("two") : n)),
      runOne: async (n) => n,
    });
    const outputs = await Promise.allSettled([1, 2, 3].map((n) => batcher.run(n)));
    expect(outputs).toEqual([
      { status: "fulfilled", value: 1 },
      { status: "rejected", reason: new RangeError("two") },
      { status: "fulfilled", value: 3 },
    ]);
  });

  it("runs each input of a batch that failed as a whole alone, so that one bad input fails alone", async () => {
    const alone: number[] = [];
    const batcher = createStatementBatcher<number, number>({
      runBatch: async () => {
        throw new Error("check constraint violated by one row");
      },
      runOne: async (n) => {
        alone.push(n);
        if (n === 2) throw new Error("check constraint violated");
        return n * 10;
      },
    });
    const outputs = await Promise.allSettled([1, 2, 3].map((n) => batcher.run(n)));
    expect(alone.sort()).toEqual([1, 2, 3]);
    expect(outputs).toEqual([
      { status: "fulfilled", value: 10 },
      { status: "rejected", reason: new Error("check constraint violated") },
      { status: "fulfilled", value: 30 },
    ]);
  });

  it("rejects each caller with the very error the driver threw, even one from another realm (its code kept)", async () => {
    // A driver error made outside this VM context is not `instanceof Error` here (as under Jest).
    const foreign = runInNewContext(
      `Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })`,
    );
    expect(foreign instanceof Error).toBe(false);
    const batcher = createStatementBatcher<number, number>({
      runBatch: async () => {
        throw foreign;
      },
      runOne: async () => {
        throw foreign;
      },
    });
    const outcomes = await Promise.allSettled([batcher.run(1), batcher.run(2), batcher.run(3)]);
    for (const outcome of outcomes)
      expect(outcome).toEqual({ status: "rejected", reason: expect.anything() });
    for (const outcome of outcomes) expect((outcome as PromiseRejectedResult).reason).toBe(foreign);
  });

  it("treats a batch that returned the wrong number of outputs as failed", async () => {
    const batcher = createStatementBatcher<number, number>({
      runBatch: async () => [1],
      runOne: async (n) => n * 10,
    });
    expect(await Promise.all([1, 2].map((n) => batcher.run(n)))).toEqual([10, 20]);
  });
});
