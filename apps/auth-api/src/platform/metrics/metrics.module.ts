import { Global, Module } from "@nestjs/common";
import { MetricsController } from "./metrics.controller.js";
import { MetricsService } from "./metrics.service.js";

/** One `MetricsService` (own registry) per app instance, injectable everywhere; `GET /metrics`. */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService], controllers: [MetricsController] })
export class MetricsModule {}
