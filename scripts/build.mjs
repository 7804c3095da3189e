// Compiles apps/ and libs/ to dist/ with swc (type checking is `npm run typecheck`).
import { transformFile } from "@swc/core";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { root, swcOptions } from "./swc-options.mjs";

const sources = ["apps", "libs"];
const outDir = path.join(root, "dist");

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".spec.ts") && !entry.name.endsWith(".d.ts"))
      yield full;
  }
}

const started = Date.now();
await rm(outDir, { recursive: true, force: true });
const options = swcOptions();
let count = 0;
for (const source of sources) {
  for await (const file of walk(path.join(root, source))) {
    const rel = path.relative(root, file);
    const target = path.join(outDir, rel.replace(/\.ts$/, ".js"));
    const { code, map } = await transformFile(file, { ...options, filename: file, outputPath: target });
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, map ? `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n` : code);
    if (map) await writeFile(`${target}.map`, map);
    count += 1;
  }
}
console.log(`build: ${count} files → dist/ in ${Date.now() - started} ms`);
