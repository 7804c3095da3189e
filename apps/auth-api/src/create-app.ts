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

export interface CreateAppParameters {
  config: AppConfig;
  logger?: LogLevel[] | false;
  /** Use this database instead of the configured one (tests). */
  dataSource?: DataSource;
}

/** Builds the auth-api application (not yet listening): shared by main.ts, dev mode and e2e tests. */
export async function createApp({
  config,
  logger,
  dataSource,
}: CreateAppParameters): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config, dataSource), {
    logger: logger ?? (config.env === "test" ? ["error", "warn"] : ["log", "error", "warn"]),
    bodyParser: false,
    abortOnError: false,
  });
  app.disable("x-powered-by");
  app.use(requestId);
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
