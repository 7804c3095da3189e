import "reflect-metadata";
import { type INestApplication, type LogLevel, ValidationPipe } from "@nestjs/common";
import { DocumentBuilder, SwaggerModule } from "@nestjs/swagger";
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter, type NestFastifyApplication } from "@nestjs/platform-fastify";
import { AppModule } from "./app.module.js";
import type { AppConfig } from "@sigil/config";
import type { DataSource } from "typeorm";
import { ErrorFilter } from "./platform/errors/error.filter.js";
import { frameworkError } from "./platform/errors/framework-errors.js";
import { drainOnClose } from "./platform/http/graceful-close.js";
import { refuseUnacceptedBodies } from "./platform/http/request-bodies.js";
import { jsonBodyParser } from "./platform/http/json-body.js";
import { requestIdOf } from "./platform/http/request-id.js";
import { answerUnknownMethods, clientError } from "./platform/errors/unknown-methods.js";
import { AppLogger, PinoNestLogger } from "./platform/logging/app-logger.js";
import { requestLogging } from "./platform/logging/request-logging.hook.js";
import type { DestinationStream } from "pino";
import { httpMetrics } from "./platform/http-metrics.hook.js";
import { MetricsService } from "./platform/metrics/metrics.service.js";
import { SecurityEventsService } from "./platform/security-events/security-events.service.js";

/** Small bodies only: every Sigil request is a few hundred bytes (SIWE messages are capped at 4 KiB). */
const BODY_LIMIT_BYTES = 16 * 1024;

export interface CreateAppParameters {
  config: AppConfig;
  logger?: LogLevel[] | false;
  /** Use this database instead of the configured one (tests). */
  dataSource?: DataSource;
  /** Send the JSON logs (one line per request, security events) here instead of stdout (tests). */
  logStream?: DestinationStream;
}

/** Builds the auth-api application (initialised, not yet listening): shared by main.ts, dev mode and e2e tests. */
export async function createApp({
  config,
  logger,
  dataSource,
  logStream,
}: CreateAppParameters): Promise<INestApplication> {
  // Structured logs outside tests, or when a test asks for them; tests otherwise keep Nest's console.
  const structured = logStream !== undefined || config.env !== "test";
  const module = AppModule.forConfig(config, dataSource, logStream);
  // Fastify, not Express: far less CPU per request under the same Nest pipes, guards and
  // interceptors (docs/benchmarks.md).
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // X-Forwarded-For is believed only from the configured proxies (E3): others cannot pick their key.
    trustProxy: config.abuse.trustedProxies.length > 0 ? config.abuse.trustedProxies : false,
    genReqId: requestIdOf,
    // No Nest middleware or app.use() here: Fastify hooks do that work, so @fastify/middie (a hook
    // run on every request) is not registered.
    skipMiddie: true,
    // `/v1/me/` is `/v1/me`, as clients and proxies expect; ids are short, but a long one is a 404.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 512 },
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
    // While closing, requests on open connections are still served (see drainOnClose).
    return503OnClosing: false,
    // The whole request must arrive within 30 s (Fastify's default is no limit).
    requestTimeout: 30_000,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bufferLogs: structured,
    logger: logger ?? (config.env === "test" ? ["error", "warn"] : ["log", "error", "warn"]),
    // Signed API requests sign the body's exact bytes (kept as request.rawBody).
    rawBody: true,
    abortOnError: false,
  });
  const appLogger = app.get(AppLogger).pino;
  if (structured && logger !== false) app.useLogger(new PinoNestLogger(appLogger));
  const fastify = adapter.getInstance();
  drainOnClose(fastify);
  answerUnknownMethods(fastify);
  // JSON, and forms on the routes marked @AcceptsForms() (the OAuth endpoints), only: Fastify's
  // own text/plain parser would hand a route a string, which validation then refused as 400, not 415.
  fastify.removeContentTypeParser("text/plain");
  refuseUnacceptedBodies(fastify);
  app.useBodyParser("application/json", { bodyLimit: BODY_LIMIT_BYTES }, jsonBodyParser(fastify));
  fastify.addHook("onRequest", (request, reply, done) => {
    void reply.header("X-Request-Id", request.id);
    done();
  });
  // Request lines are logged at info, warn or error: below that level (fatal, silent) skip the hook.
  if (appLogger.isLevelEnabled("error")) fastify.addHook("onResponse", requestLogging(appLogger));
  fastify.addHook("onResponse", httpMetrics(app.get(MetricsService), app.get(SecurityEventsService)));
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  // OpenAPI generated from the controllers and DTOs: /openapi.json, browsable at /docs (J9: off in
  // production unless SIGIL_API_DOCS=true).
  if (config.apiDocs) {
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
  }
  app.enableShutdownHooks();
  // Initialised and ready: routes, hooks and plugins are fixed, so tests can call it in-process.
  await app.init();
  await fastify.ready();
  return app;
}
