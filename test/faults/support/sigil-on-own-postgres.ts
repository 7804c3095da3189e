import { type SigilTestEnvironment, startSigil } from "../../fixtures/sigil-app.js";
import { type OwnPostgres, startOwnPostgres } from "./own-postgres.js";

/** A Sigil test environment whose database lives on a private PostgreSQL server this test may crash. */
export interface SigilOnOwnPostgres {
  postgres: OwnPostgres;
  sigil: SigilTestEnvironment;
  /** The suite's database URL, for auth-api processes. */
  databaseUrl: string;
  close(): Promise<void>;
}

/** {@link startSigil} with its database on a fresh private server, whatever TEST_DATABASE_URL says. */
export async function startSigilOnOwnPostgres(
  overrides: Record<string, string> = {},
): Promise<SigilOnOwnPostgres> {
  const postgres = await startOwnPostgres();
  // createTestDataSource reads the server from the environment: point it at ours for this one call.
  const shared = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = postgres.url;
  let sigil: SigilTestEnvironment;
  try {
    sigil = await startSigil(overrides);
  } catch (error) {
    await postgres.destroy();
    throw error;
  } finally {
    if (shared === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = shared;
  }
  return {
    postgres,
    sigil,
    databaseUrl: (sigil.database.dataSource.options as { url: string }).url,
    close: async () => {
      await sigil.close();
      await postgres.destroy();
    },
  };
}
