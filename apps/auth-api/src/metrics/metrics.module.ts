import { Global, Module } from "@nestjs/common";
import { MetricsService } from "./metrics.service.js";

/** One `MetricsService` (own registry) per app instance, injectable everywhere. */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
