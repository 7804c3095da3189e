import { LocalKekProvider } from "@sigil/sessions";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AppConfig } from "./app-config.js";

/** Where development keeps its own KEK (production refuses this file: see loadConfig). */
export function devKekFile(dataDir: string): string {
  return path.resolve(dataDir, "kek");
}

/** Parameters of {@link resolveKekProvider}. */
export interface ResolveKekProviderParameters {
  config: Pick<AppConfig, "env" | "dataDir" | "kek" | "keys">;
  /** Told once when development falls back to its own KEK file. */
  warn?: (message: string) => void;
}

/**
 * The local KEK provider: the configured KEK (plus former ones during a KEK rotation), or outside
 * production a KEK kept under the data folder, created once. An external KMS would replace this.
 */
export async function resolveKekProvider({
  config,
  warn,
}: ResolveKekProviderParameters): Promise<LocalKekProvider> {
  const previous = config.keys.previousKeks;
  if (config.kek) return new LocalKekProvider({ current: config.kek, previous });
  if (config.env === "production") throw new Error("SIGIL_KEK is required in production");
  const file = devKekFile(config.dataDir);
  const existing = await readKekFile(file);
  if (existing) return new LocalKekProvider({ current: existing, previous });
  await mkdir(path.dirname(file), { recursive: true });
  // "wx" fails if another process created it first; then theirs is read back below.
  await writeFile(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" }).catch(
    () => undefined,
  );
  warn?.(`no SIGIL_KEK set: using the development KEK in ${file}`);
  const created = await readKekFile(file);
  if (!created) throw new Error(`the development KEK file ${file} does not hold 32 base64 bytes`);
  return new LocalKekProvider({ current: created, previous });
}

async function readKekFile(file: string): Promise<Buffer | undefined> {
  try {
    const kek = Buffer.from((await readFile(file, "utf8")).trim(), "base64");
    return kek.length === 32 ? kek : undefined;
  } catch {
    return undefined;
  }
}
