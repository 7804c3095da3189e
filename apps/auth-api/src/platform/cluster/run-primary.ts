import { Logger } from "@nestjs/common";
import { createDataSource, runMigrations } from "@sigil/persistence";
import cluster, { type Worker } from "node:cluster";
import type { AppConfig } from "@sigil/config";

/** A worker that dies sooner than this after its start is not restarted again at once. */
const RESTART_BACKOFF_MS = 1_000;

/**
 * The primary process of `SIGIL_WORKERS > 1`: migrates once, then forks the workers that all serve
 * the same port (Node's cluster module balances connections) and replaces any that dies.
 */
export async function runPrimary({ config, workers }: { config: AppConfig; workers: number }): Promise<void> {
  const logger = new Logger("Sigil");
  if (config.migrateOnStart) {
    const dataSource = createDataSource({ url: config.databaseUrl });
    await dataSource.initialize();
    try {
      await runMigrations(dataSource);
    } finally {
      await dataSource.destroy();
    }
  }
  let stopping = false;
  const startedAt = new Map<number, number>();
  const fork = () => {
    const worker: Worker = cluster.fork({ SIGIL_MIGRATE_ON_START: "false" });
    startedAt.set(worker.id, Date.now());
    logger.log(`worker ${worker.process.pid} started`);
  };
  cluster.on("exit", (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) {
      if (startedAt.size === 0) process.exit(0);
      return;
    }
    logger.warn(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(fork, lived < RESTART_BACKOFF_MS ? RESTART_BACKOFF_MS : 0);
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
    if (startedAt.size === 0) process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  for (let i = 0; i < workers; i += 1) fork();
  logger.log(`auth-api: ${workers} workers on http://${config.host}:${config.port}`);
}
