import "reflect-metadata";
import type { INestApplication, LogLevel } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import type { NestExpressApplication } from "@nestjs/platform-express";
import type { VenueConfig } from "./config/venue-config.js";
import { VenueErrorFilter } from "./errors/venue-error.filter.js";
import { requestId } from "./http/request-id.js";
import { VenueModule } from "./venue.module.js";

/** Options of {@link createVenueApp} beyond the configuration. */
export interface CreateVenueAppOptions {
  logger?: LogLevel[] | false;
}

/**
 * Builds the example venue (not yet listening): main.ts, tests and the benchmark share it.
 * Boot waits for Sigil's JWKS and revocation feed, but starts without them (503 until they answer).
 */
export async function createVenueApp(
  config: VenueConfig,
  { logger = ["log", "error", "warn"] }: CreateVenueAppOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(VenueModule.forConfig(config), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  app.disable("x-powered-by");
  app.use(requestId);
  app.useBodyParser("json", { limit: "4kb" });
  app.useGlobalFilters(new VenueErrorFilter());
  // Only listed origins (Sigil's demo page in dev mode) may call with a token from a browser.
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      methods: ["GET", "POST", "DELETE"],
      allowedHeaders: ["authorization", "content-type"],
      exposedHeaders: ["www-authenticate", "x-request-id", "retry-after"],
      maxAge: 600,
    });
  }
  app.enableShutdownHooks();
  await app.init();
  return app;
}
