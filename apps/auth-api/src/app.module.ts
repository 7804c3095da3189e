import { type DynamicModule, Module } from "@nestjs/common";
import type { DataSource } from "typeorm";
import { ChainModule } from "./chain/chain.module.js";
import { AppConfig } from "@sigil/config";
import { AuditModule } from "./platform/audit/audit.module.js";
import { DatabaseModule } from "./platform/database/database.module.js";
import { HealthModule } from "./health/health.module.js";
import { AuthModule } from "./auth.module.js";
import { DemoModule } from "./demo/demo.module.js";
import { MaintenanceModule } from "./maintenance/maintenance.module.js";
import { MetricsModule } from "./platform/metrics/metrics.module.js";
import { AppLogger, createAppLogger } from "./platform/logging/app-logger.js";
import { RateLimitModule } from "./platform/rate-limit/rate-limit.module.js";
import { SecurityEventsModule } from "./platform/security-events/security-events.module.js";
import type { DestinationStream } from "pino";

/** The auth-api root module, built for one validated configuration. */
@Module({})
export class AppModule {
  /**
   * `dataSource` replaces the configured database (tests share one across apps); `logStream`
   * receives the JSON logs instead of stdout.
   */
  static forConfig(config: AppConfig, dataSource?: DataSource, logStream?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: AppLogger, useValue: createAppLogger(config, logStream) },
      ],
      exports: [AppConfig, AppLogger],
      imports: [
        DatabaseModule.forRoot(dataSource),
        MetricsModule,
        AuditModule,
        SecurityEventsModule,
        RateLimitModule,
        ChainModule,
        HealthModule,
        AuthModule,
        MaintenanceModule,
        ...(config.demo.enabled ? [DemoModule] : []),
      ],
    };
  }
}
