import "reflect-metadata";
import { type INestApplication, type LogLevel, ValidationPipe } from "@nestjs/common";
import { DocumentBuilder, SwaggerModule } from "@nestjs/swagger";
import { NestFactory } from "@nestjs/core";
import type { NestExpressApplication } from "@nestjs/platform-express";
import { AppModule } from "./app.module.js";
import type { AppConfig } from "./config/app-config.js";
import type { DataSource } from "typeorm";
import { ErrorFilter } from "./errors/error.filter.js";
import { requestId } from "./http/request-id.js";
import { AppLogger, PinoNestLogger } from "./logging/app-logger.js";
import { requestLogging } from "./logging/request-logging.middleware.js";
import type { DestinationStream } from "pino";
import { httpMetrics } from "./metrics/http-metrics.middleware.js";
import { MetricsService } from "./metrics/metrics.service.js";
import { SecurityEventsService } from "./security-events/security-events.service.js";

export interface CreateAppParameters {
  config: AppConfig;
  logger?: LogLevel[] | false;
  /** Use this database instead of the configured one (tests). */
  dataSource?: DataSource;
  /** Send the JSON logs (one line per request, security events) here instead of stdout (tests). */
  logStream?: DestinationStream;
}

/** Builds the auth-api application (not yet listening): shared by main.ts, dev mode and e2e tests. */
export async function createApp({
  config,
  logger,
  dataSource,
  logStream,
}: CreateAppParameters): Promise<INestApplication> {
  // Structured logs outside tests, or when a test asks for them; tests otherwise keep Nest's console.
  const structured = logStream !== undefined || config.env !== "test";
  const module = AppModule.forConfig(config, dataSource, logStream);
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bufferLogs: structured,
    logger: logger ?? (config.env === "test" ? ["error", "warn"] : ["log", "error", "warn"]),
    bodyParser: false,
    // Signed API requests sign the body's exact bytes (kept as request.rawBody).
    rawBody: true,
    abortOnError: false,
  });
  const appLogger = app.get(AppLogger).pino;
  if (structured && logger !== false) app.useLogger(new PinoNestLogger(appLogger));
  app.disable("x-powered-by");
  // No ETags: every answer is per-caller JSON, mostly `no-store`, and hashing each body for a
  // conditional GET nobody sends cost ~3 % of a request's CPU.
  app.set("etag", false);
  // X-Forwarded-For is believed only from the configured proxies (E3): others cannot pick their key.
  app.set("trust proxy", config.abuse.trustedProxies.length > 0 ? config.abuse.trustedProxies : false);
  app.use(requestId);
  // Request lines are logged at info, warn or error: below that level (fatal, silent) pino-http
  // would still build a child logger per request only to drop its line.
  if (appLogger.isLevelEnabled("error")) app.use(requestLogging(appLogger));
  app.use(httpMetrics(app.get(MetricsService), app.get(SecurityEventsService)));
  // Small bodies only: every Sigil request is a few hundred bytes (SIWE messages are capped at 4 KiB).
  app.useBodyParser("json", { limit: "16kb" });
  app.useBodyParser("urlencoded", { limit: "16kb", extended: false });
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  // OpenAPI generated from the controllers and DTOs: /openapi.json, browsable at /docs.
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle("Sigil auth-api")
      .setDescription("Sign-In with Ethereum → scoped sessions → recorded grants")
      .setVersion("1")
      .addBearerAuth()
      .addBasicAuth()
      .build(),
  );
  SwaggerModule.setup("docs", app, document, { jsonDocumentUrl: "openapi.json" });
  app.enableShutdownHooks();
  return app;
}
