import type { LoggerService } from "@nestjs/common";
import pino, { type DestinationStream, type Logger } from "pino";
import type { AppConfig } from "@sigil/config";
import { rpcUrlSecrets, scrubbing } from "./rpc-url-secrets.js";

/** DI token of the app's pino logger (one per app instance: tests run several in one process). */
export abstract class AppLogger {
  abstract readonly pino: Logger;
}

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log object (I2): credentials
 * in headers, and token or secret fields an error or event might carry.
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "res.headers['set-cookie']",
  "*.access_token",
  "*.refresh_token",
  "*.refreshToken",
  "*.accessToken",
  "*.token",
  "*.signature",
  "*.secret",
  "*.password",
  "*.client_secret",
];

/**
 * The pino logger of one app: JSON lines, credentials redacted, to `stream` or stdout. Credentials
 * of the RPC URLs are scrubbed from every line's text.
 */
export function createAppLogger(config: AppConfig, stream?: DestinationStream): AppLogger {
  const logger = pino(
    {
      level: config.abuse.logLevel,
      base: { service: "sigil-auth-api" },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    scrubbing(
      stream ?? pino.destination({ dest: 1, sync: false }),
      rpcUrlSecrets(config.chains.flatMap((chain) => chain.rpcUrls)),
    ),
  );
  return { pino: logger };
}

/** Nest's own logs (boot, errors) through pino, so every line of the app is one JSON object. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write("info", message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write("error", message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write("warn", message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write("debug", message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write("trace", message, rest);
  }

  private write(
    level: "info" | "error" | "warn" | "debug" | "trace",
    message: unknown,
    rest: unknown[],
  ): void {
    // Nest appends the context (a class name) last.
    const context = typeof rest.at(-1) === "string" ? (rest.at(-1) as string) : undefined;
    if (message instanceof Error) this.logger[level]({ err: message, context }, message.message);
    else if (typeof message === "object" && message !== null) {
      const text = typeof rest[0] === "string" && rest.length > 1 ? rest[0] : undefined;
      this.logger[level]({ ...(message as object), context }, text);
    } else this.logger[level]({ context }, String(message));
  }
}
