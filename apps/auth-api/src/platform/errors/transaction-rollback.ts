import { SigilError } from "@sigil/core";

/** Postgres rolled the statement back to resolve contention (deadlock, serialization); retryable. */
export class DatabaseBusyError extends SigilError {
  readonly code = "database_busy";
}

/** SQLSTATE class 40, transaction rollback: 40001 serialization failure, 40P01 deadlock, … */
const ROLLBACK_SQLSTATE = /^40[0-9A-Z]{3}$/;

/** True when `error` (or the `driverError` TypeORM wraps) is a SQLSTATE class 40 rollback. */
export function isTransactionRollback(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const { code, driverError } = error as Record<string, unknown>;
  if (typeof code === "string" && ROLLBACK_SQLSTATE.test(code)) return true;
  return driverError !== undefined && driverError !== error && isTransactionRollback(driverError);
}

/** `error` as a {@link DatabaseBusyError} when Postgres rolled it back; otherwise unchanged. */
export function asDatabaseBusy(error: unknown): unknown {
  return isTransactionRollback(error)
    ? new DatabaseBusyError("the database is busy, retry shortly", { cause: error })
    : error;
}
