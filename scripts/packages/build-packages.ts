// Builds the installable packages (libs/verify, libs/guard, libs/client) into each one's dist/:
// ESM + bundled .d.ts via tsup, with Sigil's internal libs (@sigil/core, @sigil/sessions) inlined.
import { builtinModules } from "node:module";
import { readFile, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { build } from "tsup";

const root = path.resolve(import.meta.dirname, "..", "..");

/** A published package: its folder and its entry points (dist name → source). */
export interface PackageBuild {
  dir: string;
  entry: Record<string, string>;
  /** Bundled for the browser: no Node built-in may be imported. */
  browser?: readonly string[];
}

export const PACKAGES: readonly PackageBuild[] = [
  {
    dir: "libs/verify",
    entry: { index: "src/index.ts", express: "src/express/index.ts", fastify: "src/fastify/index.ts" },
  },
  { dir: "libs/guard", entry: { index: "src/index.ts" } },
  {
    dir: "libs/client",
    entry: {
      index: "src/index.ts",
      node: "src/node/index.ts",
      rainbowkit: "src/wallet-kits/rainbowkit.ts",
      reown: "src/wallet-kits/reown.ts",
    },
    browser: ["index", "rainbowkit", "reown"],
  },
];

// Internal libs are not published: their code goes into the package that uses it.
const INLINED = /^@sigil\/(core|sessions|siwe|config)(\/|$)/;

async function manifest(dir: string): Promise<{ name: string; deps: Set<string> }> {
  const json = JSON.parse(await readFile(path.join(root, dir, "package.json"), "utf8")) as {
    name: string;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  return {
    name: json.name,
    deps: new Set([...Object.keys(json.dependencies ?? {}), ...Object.keys(json.peerDependencies ?? {})]),
  };
}

/** Bare specifiers imported by a built file and the chunks it imports (static and dynamic imports). */
async function importsOf(file: string, seen = new Set<string>()): Promise<Set<string>> {
  const found = new Set<string>();
  if (seen.has(file)) return found;
  seen.add(file);
  const code = await readFile(file, "utf8");
  for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)) {
    const specifier = match[1]!;
    if (!specifier.startsWith(".")) found.add(specifier);
    else
      for (const inner of await importsOf(path.resolve(path.dirname(file), specifier), seen))
        found.add(inner);
  }
  return found;
}

const packageName = (specifier: string) =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;

export async function buildPackage(pkg: PackageBuild): Promise<void> {
  const dir = path.join(root, pkg.dir);
  const { name, deps } = await manifest(pkg.dir);
  await rm(path.join(dir, "dist"), { recursive: true, force: true });
  await build({
    entry: Object.fromEntries(Object.entries(pkg.entry).map(([out, src]) => [out, path.join(dir, src)])),
    outDir: path.join(dir, "dist"),
    format: ["esm"],
    platform: "node",
    target: "node20",
    dts: { compilerOptions: { composite: false } },
    tsconfig: path.join(root, "tsconfig.json"),
    sourcemap: false,
    splitting: true,
    removeNodeProtocol: false,
    // An inlined lib's unused import of a package (jsonwebtoken in a bot-only build) must not stay behind.
    treeshake: { moduleSideEffects: (_id: string, external: boolean) => !external },
    clean: false,
    silent: true,
    // Everything but Sigil's internal libs stays an import: a dependency or a peer of the package.
    external: [/^(?!@sigil\/(core|sessions|siwe|config)(\/|$))[^./]/],
    noExternal: [INLINED],
  });
  // What the package imports must be what its manifest declares (or Node's own modules).
  const node = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  for (const file of await readdir(path.join(dir, "dist"))) {
    if (!file.endsWith(".js")) continue;
    for (const specifier of await importsOf(path.join(dir, "dist", file))) {
      const isNode = node.has(specifier) || specifier.startsWith("node:");
      const browserEntry = pkg.browser?.some((entry) => file === `${entry}.js`);
      if (isNode && browserEntry) throw new Error(`${name}: ${file} (browser) imports ${specifier}`);
      if (!isNode && !deps.has(packageName(specifier)))
        throw new Error(`${name}: ${file} imports ${specifier}, which package.json does not declare`);
    }
  }
}

if (process.argv[1] === import.meta.filename) {
  const started = Date.now();
  for (const pkg of PACKAGES) await buildPackage(pkg);
  console.log(`built ${PACKAGES.length} packages in ${Date.now() - started} ms`);
}
