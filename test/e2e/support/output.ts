// What the service writes to stdout/stderr (Nest's console logger) while a piece of a test runs.

/**
 * Runs `work` with this process's stdout and stderr captured instead of printed, and returns what
 * was written. Used where a test provokes logged 5xx answers on purpose, and to grep logs (B11).
 */
export async function captureOutput<T>(work: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const original = { out: process.stdout.write, err: process.stderr.write };
  const capture = (chunk: unknown, ...rest: unknown[]) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    const callback = rest.find((argument) => typeof argument === "function") as (() => void) | undefined;
    callback?.();
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    const result = await work();
    return { result, output: chunks.join("") };
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
}
