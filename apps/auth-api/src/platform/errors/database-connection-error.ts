import { DatabaseUnavailableError } from "@sigil/core";

/** Socket errors of a database the driver cannot reach (refused, reset, unreachable). */
const CONNECTION_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);
/** SQLSTATE class 08 (connection exception) and 57P01–57P03 (server shutting down or starting up). */
const CONNECTION_SQLSTATE = /^(08...|57P0[1-3])$/;
/** node-postgres reports a dropped connection or a pool connect timeout only in its message. */
const CONNECTION_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect)/;

/**
 * True when `error` (or the `driverError` TypeORM wraps) says the database could not be reached,
 * rather than that a query was wrong. Those are answered 503, never 500. Not for typed Sigil errors:
 * an RPC outage also carries ECONNREFUSED deep in its `cause`.
 */
export function isDatabaseConnectionError(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const { code, message, driverError } = error as Record<string, unknown>;
  if (typeof code === "string" && (CONNECTION_ERRNOS.has(code) || CONNECTION_SQLSTATE.test(code)))
    return true;
  if (typeof message === "string" && CONNECTION_MESSAGE.test(message)) return true;
  return driverError !== undefined && driverError !== error && isDatabaseConnectionError(driverError);
}

/** `error` as a {@link DatabaseUnavailableError} when the database was unreachable; otherwise unchanged. */
export function asDatabaseUnavailable(error: unknown): unknown {
  return isDatabaseConnectionError(error)
    ? new DatabaseUnavailableError("database unavailable, retry shortly", { cause: error })
    : error;
}
