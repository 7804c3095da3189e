import type { DataSource } from "typeorm";
import { SigilDataSource } from "./sigil-data-source.js";

/** Which database a data source talks to, safe to print: never a password or query string. */
export interface DatabaseDescription {
  kind: "postgres" | "pglite";
  /** `postgres://user@host:port/db` for Postgres; the data directory or `memory://` for PGlite. */
  location: string;
}

/**
 * Describes where `dataSource` stores its data, for health checks and dev output. Data sources not
 * made by `createDataSource` are described from their TypeORM options.
 */
export function describeDatabase(dataSource: DataSource): DatabaseDescription {
  if (dataSource instanceof SigilDataSource) return dataSource.description;
  const options = dataSource.options as { url?: string; host?: string; port?: number; database?: string };
  if (options.url) return { kind: "postgres", location: redactDatabaseUrl(options.url) };
  const host = options.host ?? "localhost";
  return {
    kind: "postgres",
    location: `postgres://${host}:${options.port ?? 5432}/${options.database ?? ""}`,
  };
}

/** `postgres://user:secret@host:5432/db?sslmode=…` → `postgres://user@host:5432/db`. */
export function redactDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "postgres://(unparseable url)";
  }
  const user = parsed.username ? `${parsed.username}@` : "";
  return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
}
