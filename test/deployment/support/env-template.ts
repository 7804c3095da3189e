// The environment templates of docs/deployment/ as an operator fills them: `KEY=value` lines taken
// literally as `node --env-file` reads them, `#` comments, an empty value meaning "yours to fill".
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";

/** The deployment files the production e2e test runs (docs/deployment.md describes them). */
export const DEPLOYMENT_DIR = path.join(process.cwd(), "docs/deployment");

/** Every variable of a template file, in order, with its value as shipped. */
export function readEnvTemplate(file: string): Record<string, string> {
  const entries = readFileSync(path.join(DEPLOYMENT_DIR, file), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const at = line.indexOf("=");
      if (at < 1) throw new Error(`${file}: not a KEY=value line: ${line}`);
      return [line.slice(0, at), line.slice(at + 1)] as const;
    });
  return Object.fromEntries(entries);
}

/**
 * The template with `values` filled in. A name the template lacks is an error, so the template and
 * what the test needs cannot drift apart; so is any variable still empty afterwards.
 */
export function fillEnvTemplate(file: string, values: Record<string, string>): Record<string, string> {
  const template = readEnvTemplate(file);
  const unknown = Object.keys(values).filter((key) => !(key in template));
  if (unknown.length > 0) throw new Error(`${file} has no ${unknown.join(", ")}`);
  const filled = { ...template, ...values };
  const empty = Object.keys(filled).filter((key) => filled[key] === "");
  if (empty.length > 0) throw new Error(`${file}: still empty after filling: ${empty.join(", ")}`);
  return filled;
}

/** Writes `env` as a file for `node --env-file` (values literal, readable by the owner only). */
export async function writeEnvFile(file: string, env: Record<string, string>): Promise<void> {
  const lines = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  await writeFile(file, `${lines.join("\n")}\n`, { mode: 0o600 });
}
