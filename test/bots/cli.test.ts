import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";

const run = promisify(execFile);

/** The `sigil` bot commands, run as a separate process against a listening auth-api (dev account 1 = TRADER). */
describe("bots: sigil CLI", () => {
  let sigil: SigilTestEnvironment;
  let dir: string;
  let common: string[];

  beforeAll(async () => {
    sigil = await startSigil();
    await sigil.app.listen(0, "127.0.0.1");
    const url = (await sigil.app.getUrl()).replace("[::1]", "127.0.0.1");
    // No --issuer: the SDK reads it from the metadata (it differs from the URL here).
    common = ["--url", url];
    dir = await mkdtemp(path.join(tmpdir(), "sigil-cli-"));
  });

  afterAll(async () => {
    await sigil?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const sigilCli = async (...args: string[]) => {
    const { stdout } = await run(
      process.execPath,
      // The built CLI (dist/ is built by Jest's global setup): compiling the sources on every run cost ~5 s each.
      [path.join(process.cwd(), "dist/apps/cli/src/main.js"), ...args],
      { cwd: process.cwd(), env: { ...process.env, NODE_OPTIONS: "" }, timeout: 60_000 },
    );
    return stdout;
  };

  it("session key → delegate (wallet signs) → bot login → bot call; api-key create → signed call → rotate → revoke", async () => {
    const keyFile = path.join(dir, "bot.pem");
    const created = JSON.parse(await sigilCli("session-key", "create", "--out", keyFile));
    expect(created.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const delegation = JSON.parse(
      await sigilCli("delegate", "--key", keyFile, "--scope", "orders:read", "--dev-account", "1", ...common),
    );
    expect(delegation.scopes).toEqual(["orders:read"]);
    const token = JSON.parse(
      await sigilCli("bot", "login", "--delegation", delegation.id, "--key", keyFile, ...common),
    );
    expect(token.token_type).toBe("DPoP");
    const me = await sigilCli(
      "bot",
      "call",
      "GET",
      `${common[1]}/v1/me`,
      "--delegation",
      delegation.id,
      "--key",
      keyFile,
      ...common,
    );
    expect(me).toMatch(/^200 /);

    const key = JSON.parse(
      await sigilCli("api-key", "create", "--scope", "orders:read", "--dev-account", "1", ...common),
    );
    expect(key.secret).toEqual(expect.any(String));
    const signed = await sigilCli(
      "bot",
      "sign",
      "POST",
      "/v1/api-keys/token",
      "--data",
      "{}",
      "--api-key",
      key.id,
      // One `=` form: a base64url secret can start with "-", which a separate argument would make an option.
      `--secret=${key.secret}`,
      ...common,
    );
    expect(signed).toMatch(/^200 /);
    const rotated = JSON.parse(
      await sigilCli("api-key", "rotate", key.id, "--overlap", "0", "--dev-account", "1", ...common),
    );
    expect(rotated.replacesId).toBe(key.id);
    await expect(
      sigilCli(
        "bot",
        "sign",
        "POST",
        "/v1/api-keys/token",
        "--data",
        "{}",
        "--api-key",
        key.id,
        `--secret=${key.secret}`,
        ...common,
      ),
    ).rejects.toMatchObject({ stdout: expect.stringMatching(/^401 /) });
    expect(await sigilCli("api-key", "revoke", rotated.id, "--dev-account", "1", ...common)).toContain(
      "revoked",
    );
    expect(await sigilCli("delegate", "revoke", delegation.id, "--dev-account", "1", ...common)).toContain(
      "revoked",
    );
    // Ten processes, each starting Node: slow on a busy 2-core machine.
  }, 180_000);
});
