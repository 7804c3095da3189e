// Debian's Chromium for the browser tests: installed on demand when this process may (root + apt),
// otherwise the caller skips with the reason.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

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
  if (existsSync(CHROMIUM_PATH)) return undefined;
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    return `${CHROMIUM_PATH} is missing and this user cannot install it: run \`apt-get install -y chromium\``;
  }
  try {
    execFileSync("apt-get", ["update"], { stdio: "ignore", timeout: 180_000 });
    execFileSync("apt-get", ["install", "-y", "chromium"], {
      stdio: "ignore",
      timeout: 300_000,
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  } catch (error) {
    return `apt-get install -y chromium failed: ${(error as Error).message}`;
  }
  return existsSync(CHROMIUM_PATH) ? undefined : `apt-get ran but ${CHROMIUM_PATH} is still missing`;
}
