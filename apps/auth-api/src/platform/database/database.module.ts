import { type DynamicModule, Global, Logger, Module, type OnApplicationShutdown } from "@nestjs/common";
import { createDataSource, describeDatabase, runMigrations } from "@sigil/persistence";
import path from "node:path";
import { DataSource } from "typeorm";
import { AppConfig } from "@sigil/config";

/**
 * Provides the TypeORM DataSource: Postgres from DATABASE_URL, else PGlite under the data folder.
 * Tests may hand in a DataSource of their own (it is then theirs to close).
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  private static owned = new WeakSet<DataSource>();

  constructor(private readonly dataSource: DataSource) {}

  static forRoot(given?: DataSource): DynamicModule {
    const provider = given
      ? { provide: DataSource, useValue: given }
      : {
          provide: DataSource,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => DatabaseModule.open(config),
        };
    return { module: DatabaseModule, providers: [provider], exports: [DataSource] };
  }

  private static async open(config: AppConfig): Promise<DataSource> {
    const dataSource = createDataSource(
      config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.resolve(config.dataDir, "pglite") },
    );
    await dataSource.initialize();
    DatabaseModule.owned.add(dataSource);
    if (config.migrateOnStart) await runMigrations(dataSource);
    const { kind, location } = describeDatabase(dataSource);
    new Logger("Database").log(`${kind} at ${location}`);
    return dataSource;
  }

  async onApplicationShutdown(): Promise<void> {
    if (DatabaseModule.owned.has(this.dataSource) && this.dataSource.isInitialized) {
      await this.dataSource.destroy();
    }
  }
}
