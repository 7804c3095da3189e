import type { DataSource } from "typeorm";

/**
 * Applies every pending migration, each in its own transaction, and returns the names applied
 * (empty when the schema is current). `dataSource` must be initialized.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: "each" });
  return applied.map((migration) => migration.name);
}
