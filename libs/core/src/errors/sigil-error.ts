import type { SigilErrorCode } from "./error-code.js";

/** Options every Sigil error accepts: the underlying cause and safe, structured details. */
export interface SigilErrorOptions {
  cause?: unknown;
  /** Machine-readable facts safe to show a client (never secrets, SQL or stack traces). */
  details?: Record<string, unknown>;
}

/**
 * Base of every error Sigil raises on purpose. `code` is a stable snake_case identifier that
 * clients may switch on; the one HTTP filter maps codes to status codes.
 */
export abstract class SigilError extends Error {
  abstract readonly code: SigilErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, options: SigilErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
  }
}

/** True when `value` is a SigilError (also across duplicated module instances). */
export function isSigilError(value: unknown): value is SigilError {
  return (
    value instanceof SigilError ||
    (value instanceof Error && typeof (value as { code?: unknown }).code === "string" && "details" in value)
  );
}
