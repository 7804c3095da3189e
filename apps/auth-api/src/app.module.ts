import { type DynamicModule, Module } from "@nestjs/common";
import type { DataSource } from "typeorm";
import { ChainModule } from "./chain/chain.module.js";
import { AppConfig } from "./config/app-config.js";
import { DatabaseModule } from "./database/database.module.js";
import { HealthModule } from "./health/health.module.js";
import { AuthModule } from "./auth/auth.module.js";
import { MetricsModule } from "./metrics/metrics.module.js";

/** The auth-api root module, built for one validated configuration. */
@Module({})
export class AppModule {
  /** `dataSource` replaces the configured database (tests share one across apps). */
  static forConfig(config: AppConfig, dataSource?: DataSource): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
      imports: [DatabaseModule.forRoot(dataSource), MetricsModule, ChainModule, HealthModule, AuthModule],
    };
  }
}
