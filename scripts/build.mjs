// Compiles apps/ and libs/ to dist/ with swc (type checking is `npm run typecheck`), and bundles
// the demo page's browser script with esbuild.
import { transformFile } from "@swc/core";
import { build } from "esbuild";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { root, swcOptions } from "./swc-options.mjs";

const sources = ["apps", "libs"];
const outDir = path.join(root, "dist");
// Built aside and swapped in at the end: a test building while another runs dist/ never sees half a tree.
const workDir = `${outDir}.${process.pid}.tmp`;

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".spec.ts") && !entry.name.endsWith(".d.ts"))
      yield full;
  }
}

const started = Date.now();
await rm(workDir, { recursive: true, force: true });
const options = swcOptions();
let count = 0;
for (const source of sources) {
  for await (const file of walk(path.join(root, source))) {
    const rel = path.relative(root, file);
    const target = path.join(workDir, rel.replace(/\.ts$/, ".js"));
    const { code, map } = await transformFile(file, { ...options, filename: file, outputPath: target });
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, map ? `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n` : code);
    if (map) await writeFile(`${target}.map`, map);
    count += 1;
  }
}
// The browser bundle: @sigil/client + the demo page script, served by the auth-api at /demo/app.js.
const bundle = await build({
  entryPoints: [path.join(root, "apps/auth-api/src/demo/page/demo-page.ts")],
  outfile: path.join(workDir, "apps/auth-api/src/demo/demo-page.bundle.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  tsconfig: path.join(root, "tsconfig.json"),
  metafile: true,
  logLevel: "warning",
});
const bundleBytes = Object.values(bundle.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
const oldDir = `${outDir}.${process.pid}.old`;
await rename(outDir, oldDir).catch(() => undefined);
await rename(workDir, outDir);
await rm(oldDir, { recursive: true, force: true });
console.log(
  `build: ${count} files → dist/, demo bundle ${(bundleBytes / 1024).toFixed(0)} KiB, in ${Date.now() - started} ms`,
);
