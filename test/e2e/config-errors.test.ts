// O1 as an operator meets it: the built auth-api and CLI started with a broken environment.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = (script: string, args: string[], env: Record<string, string>) =>
  promisify(execFile)(process.execPath, [path.join(process.cwd(), script), ...args], {
    env: { PATH: process.env.PATH!, ...env },
    timeout: 60_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe("configuration errors (O1)", () => {
  it("O1: the auth-api in production with nothing set exits 78 listing every missing variable, no stack trace", async () => {
    const { code, stdout, stderr } = await run("dist/apps/auth-api/src/main.js", [], {
      SIGIL_ENV: "production",
    });
    expect(code).toBe(78);
    expect(stdout).toBe("");
    const lines = stderr.trim().split("\n");
    expect(lines[0]).toBe("sigil: the configuration has 5 problems (see docs/configuration.md):");
    expect(lines.slice(1).map((line) => line.trim().split(":")[0])).toEqual([
      "SIGIL_CHAINS",
      "DATABASE_URL",
      "SIGIL_KEK",
      "SIGIL_METRICS_TOKEN",
      "SIGIL_ISSUER",
    ]);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it("O1: bad values are named but never echoed, by the auth-api and by the CLI alike", async () => {
    const secret = Buffer.from("sixteen-byte-kek").toString("base64");
    const env = {
      SIGIL_CHAINS: "[{chainId: 1}]",
      SIGIL_KEK: secret,
      DATABASE_URL: "mysql://root:hunter2@db/sigil",
    };
    for (const [script, args] of [
      ["dist/apps/auth-api/src/main.js", []],
      ["dist/apps/cli/src/main.js", ["reconcile"]],
    ] as const) {
      const { code, stderr } = await run(script, [...args], env);
      expect({ script, code }).toEqual({ script, code: 78 });
      expect(stderr).toContain("DATABASE_URL: ");
      expect(stderr).toContain("SIGIL_CHAINS: must be a JSON array");
      expect(stderr).toContain("SIGIL_KEK: must be 32 bytes, base64-encoded");
      expect(stderr).not.toContain(secret);
      expect(stderr).not.toContain("hunter2");
      expect(stderr).not.toMatch(/^\s+at /m);
    }
  });
});
