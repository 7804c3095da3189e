// One source of truth for compilation: the swc options and the module aliases are derived from
// tsconfig.json, so the build, Jest and the type checker cannot disagree about where a lib lives.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The `paths` map of tsconfig.json (alias → file relative to the repository root). */
export function tsconfigPaths() {
  const tsconfig = JSON.parse(readFileSync(path.join(root, "tsconfig.json"), "utf8"));
  return tsconfig.compilerOptions.paths;
}

/** swc options for ES module output with legacy decorators and decorator metadata (NestJS DI). */
export function swcOptions({ sourceMaps = true } = {}) {
  return {
    sourceMaps,
    jsc: {
      parser: { syntax: "typescript", decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: "es2022",
      keepClassNames: true,
      baseUrl: root,
      paths: tsconfigPaths(),
    },
    module: { type: "es6", resolveFully: true },
  };
}
