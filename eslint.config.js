// Lint: typescript-eslint recommended rules plus one architectural rule of our own (below).
import js from "@eslint/js";
import globals from "globals";
import path from "node:path";
import tseslint from "typescript-eslint";

/** Which top-level unit (libs/<name> or apps/<name>) a file belongs to, or undefined. */
function unitOf(file) {
  const rel = path.relative(process.cwd(), file).split(path.sep);
  return (rel[0] === "libs" || rel[0] === "apps") && rel.length > 2 ? `${rel[0]}/${rel[1]}` : undefined;
}

/**
 * DESIGN.md: "No relative imports across libs: use the tsconfig path aliases." A relative import
 * that leaves its own lib or app is reported; the alias (`@sigil/<lib>`) must be used instead.
 */
const noCrossUnitRelativeImport = {
  meta: {
    type: "problem",
    messages: { cross: "Import {{target}} through its alias @sigil/{{lib}}, not a relative path." },
  },
  create(context) {
    const from = unitOf(context.filename);
    const check = (node) => {
      const spec = node.source?.value;
      if (!from || typeof spec !== "string" || !spec.startsWith(".")) return;
      const target = unitOf(path.resolve(path.dirname(context.filename), spec));
      if (target !== from) {
        context.report({
          node: node.source,
          messageId: "cross",
          data: { target: target ?? spec, lib: (target ?? "").split("/")[1] ?? "?" },
        });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "**/dist/",
      "artifacts/",
      "cache/",
      ".data/",
      "coverage/",
      "libs/chain/src/abi/generated/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { sigil: { rules: { "no-cross-unit-relative-import": noCrossUnitRelativeImport } } },
    rules: {
      "sigil/no-cross-unit-relative-import": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The consumer test's browser app runs in Chromium, not Node.
    files: ["test/packages/apps/browser/**/*.js"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // An app is no library: the CLI and the example venue reach the service over HTTP or through
    // libs, never by importing it (relative paths across units are caught by the rule above).
    files: ["apps/**/*.ts", "libs/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "@sigil/auth-api", message: "Apps import libs, not another app." }],
          patterns: [{ group: ["@sigil/auth-api/*"], message: "Apps import libs, not another app." }],
        },
      ],
    },
  },
  {
    // libs/core is the pure domain: no framework, no adapter.
    files: ["libs/core/**/*.ts"],
    ignores: ["libs/core/**/*.spec.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["@nestjs/*", "typeorm", "pg", "viem", "viem/*", "@sigil/*"] },
      ],
    },
  },
);
