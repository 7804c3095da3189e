// Compiles the contracts once before any test, so tests read fresh artifacts (offline solc).
import { execFileSync } from "node:child_process";

export default function globalSetup() {
  execFileSync(process.execPath, ["node_modules/hardhat/internal/cli/cli.js", "compile", "--quiet"], {
    stdio: "inherit",
  });
}
