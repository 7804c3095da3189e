import { runMigrations } from "@sigil/persistence";
import { openCliDatabase } from "../database/open-cli-database.js";

/** Parameters of {@link migrate}. */
export interface MigrateParameters {
  env?: NodeJS.ProcessEnv;
  /** Where the result goes (stdout by default). */
  print?: (line: string) => void;
}

/**
 * `sigil migrate`: applies pending schema migrations to DATABASE_URL (else dev mode's PGlite) and
 * lists them; the release step of a deployment whose instances run with SIGIL_MIGRATE_ON_START=false.
 */
export async function migrate({ env = process.env, print = console.log }: MigrateParameters = {}) {
  const dataSource = await openCliDatabase(env);
  try {
    const applied = await runMigrations(dataSource);
    print(
      applied.length === 0
        ? "sigil migrate: the schema is current, nothing to apply"
        : `sigil migrate: applied ${applied.length} migration(s): ${applied.join(", ")}`,
    );
    return applied;
  } finally {
    await dataSource.destroy();
  }
}
