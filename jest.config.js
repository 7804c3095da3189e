// Jest 30 in native ESM mode (run with --experimental-vm-modules, see package.json "test").
import { swcOptions, tsconfigPaths } from "./scripts/swc-options.mjs";

const aliases = Object.fromEntries(
  Object.entries(tsconfigPaths()).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target.replace(/^\.\//, "")}`,
  ]),
);
const { jsc, module } = swcOptions({ sourceMaps: "inline" });

/** @type {import('jest').Config} */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { ...aliases, "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { ...jsc, baseUrl: undefined, paths: undefined }, module, sourceMaps: "inline" },
    ],
    // @fastify/static (Swagger UI on Fastify) require()s the ESM-only content-disposition 3. Node
    // ≥ 20.19 loads it natively, Jest's module registry cannot: compile that one package to CommonJS.
    "/node_modules/content-disposition/.+\\.js$": ["@swc/jest", { module: { type: "commonjs" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!(@fastify/static/node_modules/)?content-disposition/)"],
  testMatch: ["<rootDir>/{apps,libs}/**/*.spec.ts", "<rootDir>/test/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/"],
  globalSetup: "<rootDir>/test/global-setup.js",
  testTimeout: 60_000,
  maxWorkers: 2,
  // Workers keep what the suites' ESM modules leave behind; one near V8's 4 GiB heap limit crawls in GC.
  workerIdleMemoryLimit: "1536MB",
};
