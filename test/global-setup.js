// Once before any test: compile the contracts (offline solc) so tests read fresh artifacts, build
// dist/ so suites that start Sigil as separate processes (dev mode, fail-over) never race to build it,
// and without a database server, dump the embedded (PGlite) test templates before workers load the cores.
import { execFileSync } from "node:child_process";

export default function globalSetup() {
  execFileSync(process.execPath, ["node_modules/hardhat/internal/cli/cli.js", "compile", "--quiet"], {
    stdio: "inherit",
  });
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "ignore" });
  if (!process.env.TEST_DATABASE_URL) {
    const script = `import("./dist/libs/persistence/src/testing/index.js").then((m) => m.prepareEmbeddedTemplates())`;
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { stdio: "inherit" });
  }
}
