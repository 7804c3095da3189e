// Debian's Chromium for the browser tests (installed on demand: test/fixtures/debian-package.ts).
import { ensureDebianPackage } from "../../fixtures/debian-package.js";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Flags that work headless in containers (no sandbox, GPU or background services). */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Undefined when Chromium is ready at {@link CHROMIUM_PATH}; otherwise why the browser tests skip. */
export function ensureChromium(): string | undefined {
  return ensureDebianPackage({ binary: CHROMIUM_PATH, pkg: "chromium" });
}
