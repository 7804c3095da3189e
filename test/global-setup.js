// Once before any test: compile the contracts (offline solc) so tests read fresh artifacts, and build
// dist/ so suites that start Sigil as separate processes (dev mode, fail-over) never race to build it.
import { execFileSync } from "node:child_process";

export default function globalSetup() {
  execFileSync(process.execPath, ["node_modules/hardhat/internal/cli/cli.js", "compile", "--quiet"], {
    stdio: "inherit",
  });
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "ignore" });
}
