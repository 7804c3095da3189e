import { MigrationExecutor, type DataSource } from "typeorm";

/**
 * Reverts every executed migration, newest first, each in its own transaction, and returns the names
 * reverted. Leaves TypeORM's own `migrations` bookkeeping table in place.
 */
export async function revertAllMigrations(dataSource: DataSource): Promise<string[]> {
  const executed = await new MigrationExecutor(dataSource).getExecutedMigrations();
  const newestFirst = [...executed].sort((a, b) => b.timestamp - a.timestamp).map((m) => m.name);
  for (let i = 0; i < newestFirst.length; i += 1) {
    await dataSource.undoLastMigration({ transaction: "each" });
  }
  return newestFirst;
}
