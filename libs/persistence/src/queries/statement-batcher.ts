import DataLoader from "dataloader";

export interface StatementBatcherOptions<Input, Output> {
  /**
   * Runs several inputs as ONE statement (one round trip, one commit) and returns one output per
   * input, in order, or an `Error` for an input that failed on its own. If it throws, nothing of the
   * batch may have been written (a single statement is atomic): each input is then run alone.
   */
  runBatch(inputs: readonly Input[]): Promise<readonly (Output | Error)[]>;
  /**
   * Runs one input alone: a batch of one, and each input of a batch that failed as a whole. Its own
   * statement where a one-row form is cheaper than `runBatch` (the sign-in's are, as measured).
   */
  runOne(input: Input): Promise<Output>;
  /** Inputs per statement (default 64). */
  maxBatchSize?: number;
  /** Statements of this batcher running at once (default 1); further inputs wait and join a batch. */
  maxInFlight?: number;
  /** Told the size of every batch as it starts (for a metric). */
  onBatch?: ((size: number) => void) | undefined;
}

export interface StatementBatcher<Input, Output> {
  /** Runs `input` in the next batch and settles with its own output or error. */
  run(input: Input): Promise<Output>;
}

/**
 * Group commit for a hot write: calls made while this batcher's statements are in flight (and
 * those made in the same turn of the event loop) are written together by the next one. Idle, a
 * call waits one turn of the event loop at most; under load, round trips, commits and lock hand-offs
 * are shared by the batch. Batching is DataLoader's (no cache: every call is written); this adds
 * the in-flight limit that lets a batch fill while the previous ones run.
 */
export function createStatementBatcher<Input, Output>(
  options: StatementBatcherOptions<Input, Output>,
): StatementBatcher<Input, Output> {
  const maxInFlight = options.maxInFlight ?? 1;
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const pump = () => {
    while (inFlight < maxInFlight && waiting.length > 0) {
      inFlight += 1;
      // The next turn, so that calls of this one (requests read together) join the batch.
      setImmediate(waiting.shift()!);
    }
  };
  // Outcomes, not Error values: DataLoader tells failures by `instanceof Error`, which a driver's
  // error from another realm (a VM context, as under Jest) fails; each caller gets the very error.
  const loader = new DataLoader<Input, Outcome<Output>>(
    async (inputs) => {
      options.onBatch?.(inputs.length);
      try {
        return await runInputs(options, inputs);
      } finally {
        inFlight -= 1;
        pump();
      }
    },
    {
      cache: false,
      maxBatchSize: options.maxBatchSize ?? 64,
      batchScheduleFn: (dispatch) => {
        waiting.push(dispatch);
        pump();
      },
    },
  );
  return {
    run: async (input) => {
      const outcome = await loader.load(input);
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    },
  };
}

type Outcome<Output> = { ok: true; value: Output } | { ok: false; error: unknown };

async function runInputs<Input, Output>(
  options: StatementBatcherOptions<Input, Output>,
  inputs: readonly Input[],
): Promise<Outcome<Output>[]> {
  if (inputs.length > 1) {
    try {
      const outputs = await options.runBatch(inputs);
      if (outputs.length !== inputs.length)
        throw new Error(`a batch of ${inputs.length} returned ${outputs.length} outputs`);
      return outputs.map((output) =>
        output instanceof Error ? { ok: false, error: output } : { ok: true, value: output },
      );
    } catch {
      // The statement failed as a whole: run each input alone, so that one bad input fails alone.
    }
  }
  return Promise.all(
    inputs.map((input) =>
      options.runOne(input).then(
        (value): Outcome<Output> => ({ ok: true, value }),
        (error: unknown): Outcome<Output> => ({ ok: false, error }),
      ),
    ),
  );
}
