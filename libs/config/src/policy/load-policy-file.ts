import { ConfigInvalidError, type Policy } from "@sigil/core";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { parsePolicy } from "./parse-policy.js";

/**
 * Reads and validates the policy file `SIGIL_POLICY` names (JSON, or YAML for `.yaml`/`.yml`).
 * Every failure is a {@link ConfigInvalidError} naming the file and, for content, the field.
 */
export function loadPolicyFile(p: { path: string; chainIds: readonly number[] }): Policy {
  let text: string;
  try {
    text = readFileSync(p.path, "utf8");
  } catch (error) {
    throw new ConfigInvalidError(
      `SIGIL_POLICY: cannot read ${p.path} (${(error as NodeJS.ErrnoException).code})`,
      {
        cause: error,
        details: { key: "SIGIL_POLICY" },
      },
    );
  }
  let document: unknown;
  try {
    document = /\.ya?ml$/i.test(p.path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new ConfigInvalidError(
      `SIGIL_POLICY ${p.path}: not valid ${/\.ya?ml$/i.test(p.path) ? "YAML" : "JSON"}: ${(error as Error).message.split("\n")[0]}`,
      {
        cause: error,
        details: { key: "SIGIL_POLICY" },
      },
    );
  }
  return parsePolicy({ document, chainIds: p.chainIds, origin: `SIGIL_POLICY ${p.path}` });
}
