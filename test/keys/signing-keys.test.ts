import type { INestApplication } from "@nestjs/common";
import { SigningKeysService } from "../../apps/auth-api/src/index.js";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { SecretUnsealableError } from "@sigil/core";
import { jwkThumbprint, LocalKekProvider, SecretBox } from "@sigil/sessions";
import { createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import request from "supertest";
import { type SigilTestEnvironment, signIn, startSigil, VENUE_CLIENT } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import { kidOf } from "./support/load.js";

interface KeyRow {
  kid: string;
  private_key_encrypted: Buffer | null;
  wrapped_data_key: Buffer | null;
  kek_id: string | null;
  activated_at: Date;
  retired_at: Date | null;
}

describe("signing keys across instances, at rest, and on schedule", () => {
  let sigil: SigilTestEnvironment;
  let a: INestApplication;
  let b: INestApplication;

  const jwksKids = async (app: INestApplication) =>
    (await request(app.getHttpServer()).get("/.well-known/jwks.json").expect(200)).body.keys.map(
      (key: { kid: string }) => key.kid,
    );
  const login = async (app: INestApplication) => {
    const response = await signIn({ app, account: devAccount(DevAccountIndex.trader) });
    expect(response.status).toBe(200);
    return response.body as { access_token: string; refresh_token: string };
  };
  const me = (app: INestApplication, token: string) =>
    request(app.getHttpServer()).get("/v1/me").set("Authorization", `Bearer ${token}`);
  /** A token of the key the first rotation superseded, checked on both instances (so verified once). */
  let supersededToken: string | undefined;
  const rows = (): Promise<KeyRow[]> =>
    sigil.database.dataSource.query("SELECT * FROM signing_keys ORDER BY activated_at");

  beforeAll(async () => {
    sigil = await startSigil({ SIGIL_KEY_PUBLISH_LEAD: "1.5", SIGIL_KEY_POLL_MS: "100" });
    a = sigil.app;
    b = await sigil.createInstance();
  }, 60_000);

  afterAll(async () => {
    await sigil?.close();
  });

  it("B10/H1: one instance rotates; the other publishes the key at once, signs with it after activation, and still verifies old tokens", async () => {
    const old = await login(b);
    const oldKid = kidOf(old.access_token);
    const outcome = await a.get(SigningKeysService).rotate();
    if (!outcome.rotated) throw new Error("no rotation");
    expect(outcome.kid).not.toBe(oldKid);

    // Pick-up: B publishes the new key within its poll, while both still sign with the old one.
    await waitFor(async () => (await jwksKids(b)).includes(outcome.kid), { timeoutMs: 1000 });
    expect(kidOf((await login(b)).access_token)).toBe(oldKid);
    expect(kidOf((await login(a)).access_token)).toBe(oldKid);

    // Activation: both sign with the new key; tokens of either key verify on either instance.
    await waitFor(() => Date.now() >= outcome.plan.activatedAt.getTime(), { timeoutMs: 3000 });
    const fresh = await login(b);
    expect(kidOf(fresh.access_token)).toBe(outcome.kid);
    expect(kidOf((await login(a)).access_token)).toBe(outcome.kid);
    for (const app of [a, b]) {
      await me(app, old.access_token).expect(200);
      await me(app, fresh.access_token).expect(200);
    }
    supersededToken = old.access_token;
    // Retire-after: the old key stays published until the longest token lifetime has passed.
    expect(await jwksKids(b)).toEqual([outcome.kid, oldKid]);
    const oldRow = (await rows()).find((row) => row.kid === oldKid)!;
    expect(oldRow.retired_at!.getTime()).toBe(outcome.plan.activatedAt.getTime() + (600 + 60) * 1000);
    // A superseded key never signs again: its private half is dropped from the table.
    await waitFor(
      async () => (await rows()).find((row) => row.kid === oldKid)!.private_key_encrypted === null,
      {
        timeoutMs: 2000,
      },
    );
  });

  it("B10: a token verified before its key was withdrawn is refused once the key is no longer published", async () => {
    if (!supersededToken) throw new Error("needs the rotation test's token");
    await me(a, supersededToken).expect(200);
    await sigil.database.dataSource.query(`UPDATE signing_keys SET retired_at = now() WHERE kid = $1`, [
      kidOf(supersededToken),
    ]);
    for (const app of [a, b]) {
      await waitFor(async () => !(await jwksKids(app)).includes(kidOf(supersededToken!)), {
        timeoutMs: 2000,
      });
      const refused = await me(app, supersededToken);
      expect([refused.status, refused.body.error]).toEqual([401, "invalid_token"]);
    }
  });

  it("H1: a dump of every table holds no usable private key or secret, and the sealed keys need the KEK", async () => {
    const session = await login(a);
    const tables: { table_name: string }[] = await sigil.database.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
        AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.table_name)).toContain("signing_keys");
    let dump = "";
    for (const { table_name } of tables) {
      const lines: { row: string }[] = await sigil.database.dataSource.query(
        `SELECT row_to_json(t)::text AS row FROM "${table_name}" t`,
      );
      dump += lines.map((line) => line.row).join("\n");
    }
    expect(dump).toContain(`"kid":`);

    const loaded = [a, b].map((app) => app.get(SigningKeysService).current());
    const forbidden = [
      "PRIVATE KEY",
      "308187020100301306072a8648ce3d0201", // PKCS#8 P-256 DER header, as bytea hex
      session.refresh_token,
      session.refresh_token.slice("srt_".length),
      VENUE_CLIENT.secret,
      sigil.env.SIGIL_KEK!,
      Buffer.from(sigil.env.SIGIL_KEK!, "base64").toString("hex"),
    ];
    for (const key of loaded) {
      const d = key.privateKey.export({ format: "jwk" }).d!;
      const der = key.privateKey.export({ format: "der", type: "pkcs8" });
      forbidden.push(
        d,
        Buffer.from(d, "base64url").toString("hex"),
        der.toString("hex"),
        der.toString("base64"),
      );
    }
    for (const needle of forbidden) expect(dump.includes(needle)).toBe(false);
    expect(dump).not.toMatch(/"d"\s*:/);

    const sealed = (await rows()).filter((row) => row.private_key_encrypted !== null);
    expect(sealed.length).toBeGreaterThan(0);
    const openWith = (kek: Buffer, row: KeyRow) =>
      new SecretBox(new LocalKekProvider({ current: kek })).open({
        sealed: {
          kekId: row.kek_id!,
          wrappedKey: row.wrapped_data_key!,
          ciphertext: row.private_key_encrypted!,
        },
        context: row.kid,
      });
    const kek = Buffer.from(sigil.env.SIGIL_KEK!, "base64");
    for (const row of sealed) {
      await expect(openWith(randomBytes(32), row)).rejects.toBeInstanceOf(SecretUnsealableError);
      // With the KEK (and only then) the blob is the key whose thumbprint is the kid.
      const privateKey = createPrivateKey({ key: await openWith(kek, row), format: "der", type: "pkcs8" });
      const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: "jwk" });
      expect(jwkThumbprint({ kty, crv, x, y })).toBe(row.kid);
    }
  });

  it("rotates on schedule: several instances, one new key per period, each picked up by all", async () => {
    const schedule = { SIGIL_KEY_ROTATION_DAYS: String(3 / 86_400), SIGIL_KEY_PUBLISH_LEAD: "0.5" };
    const before = new Set((await rows()).map((row) => row.kid));
    const started = Date.now();
    const [c, d] = [await sigil.createInstance(schedule), await sigil.createInstance(schedule)];
    // The active key is older than 3 s: the first poll rotates; the pending key stops a second one.
    await waitFor(async () => (await rows()).some((row) => !before.has(row.kid)), { timeoutMs: 3000 });
    await waitFor(() => Date.now() - started > 2000, { timeoutMs: 3000 });
    const created = (await rows()).filter((row) => !before.has(row.kid));
    expect(created).toHaveLength(1);
    const kid = created[0]!.kid;
    for (const app of [a, b, c, d]) {
      await waitFor(async () => kidOf((await login(app)).access_token) === kid, {
        timeoutMs: 2000,
        everyMs: 100,
      });
    }
  });
});
