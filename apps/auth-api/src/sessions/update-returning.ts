import type { EntityManager } from "typeorm";

/**
 * Runs an UPDATE … RETURNING and gives the returned rows. TypeORM's postgres driver answers such
 * statements with `[rows, rowCount]` rather than the rows alone.
 */
export async function updateReturning<T>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  const result = (await manager.query(sql, parameters)) as unknown;
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === "number"
  ) {
    return result[0] as T[];
  }
  return result as T[];
}
