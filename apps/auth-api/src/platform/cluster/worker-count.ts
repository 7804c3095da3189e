import { ConfigInvalidError } from "@sigil/core";
import { availableParallelism } from "node:os";
import { z } from "zod";

const schema = z.union([z.literal("auto"), z.coerce.number().int().min(1).max(64)]).default(1);

/**
 * `SIGIL_WORKERS`: how many auth-api processes serve one port (`auto`: one per CPU). More than one
 * needs `DATABASE_URL`, since embedded PGlite belongs to a single process.
 */
export function workerCount(env: Record<string, string | undefined>): number {
  const raw = env.SIGIL_WORKERS === "" ? undefined : env.SIGIL_WORKERS;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigInvalidError("configuration SIGIL_WORKERS: must be auto or 1..64", {
      details: { key: "SIGIL_WORKERS" },
    });
  }
  const count = parsed.data === "auto" ? availableParallelism() : parsed.data;
  if (count > 1 && !env.DATABASE_URL) {
    throw new ConfigInvalidError(
      "configuration SIGIL_WORKERS: more than one worker needs DATABASE_URL (embedded PGlite is one process)",
      { details: { key: "SIGIL_WORKERS" } },
    );
  }
  return count;
}
