import { createDataSource, type SigilDataSource } from "@sigil/persistence";
import path from "node:path";
import { repoRoot } from "../dev/repo-root.js";

/**
 * The database a CLI command works on: DATABASE_URL, or else dev mode's PGlite under SIGIL_DATA_DIR
 * (default `.data/`; stop `npm start` first, PGlite allows one process at a time). Initialised.
 */
export async function openCliDatabase(env: NodeJS.ProcessEnv = process.env): Promise<SigilDataSource> {
  const databaseUrl = env.DATABASE_URL || undefined;
  const dataDir = path.resolve(env.SIGIL_DATA_DIR ?? path.join(repoRoot(), ".data"));
  const dataSource = createDataSource(
    databaseUrl ? { url: databaseUrl } : { dataDir: path.join(dataDir, "pglite") },
  );
  await dataSource.initialize();
  return dataSource;
}
