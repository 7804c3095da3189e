import { apiKeySecretContext, loadConfig, SigningKeysService } from "../../apps/auth-api/src/index.js";
import { createDataSource, runMigrations, type SigilDataSource } from "@sigil/persistence";
import { LocalKekProvider, localKekId, SecretBox } from "@sigil/sessions";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { kek, keys } from "../../apps/cli/src/commands/keys.js";
import { createTestDataSource, type TestDataSource } from "../fixtures/database.js";

const CHAINS = JSON.stringify([
  { chainId: 31337, rpcUrls: ["http://127.0.0.1:1"], registry: "0x1111111111111111111111111111111111111111" },
]);
const kek1 = randomBytes(32);
const kek2 = randomBytes(32);
const b64 = (key: Buffer) => key.toString("base64");

describe("KEK rotation: re-wrap data keys without downtime", () => {
  let database: TestDataSource;
  const services: SigningKeysService[] = [];

  async function instance(env: Record<string, string>, on = database): Promise<SigningKeysService> {
    const config = loadConfig({
      SIGIL_ENV: "test",
      SIGIL_CHAINS: CHAINS,
      SIGIL_KEY_PUBLISH_LEAD: "600",
      ...env,
    });
    const service = new SigningKeysService(config, on.dataSource);
    await service.onModuleInit();
    services.push(service);
    return service;
  }
  const kekIds = async () =>
    (
      await database.dataSource.query<{ kek_id: string }[]>(
        "SELECT DISTINCT kek_id FROM signing_keys WHERE kek_id IS NOT NULL",
      )
    ).map((row) => row.kek_id);

  beforeAll(async () => {
    database = await createTestDataSource();
  });

  afterAll(async () => {
    for (const service of services) await service.onModuleDestroy();
    await database?.destroy();
  });

  it("moves every data key to the new KEK while old and new instances keep signing and verifying", async () => {
    const before = await instance({ SIGIL_KEK: b64(kek1) });
    const active = before.current().kid;
    const pending = await before.rotate();
    if (!pending.rotated) throw new Error("no rotation");
    expect(await kekIds()).toEqual([localKekId(kek1)]);

    // Phase 2: the new KEK is current, the old one still accepted; then re-wrap.
    const during = await instance({ SIGIL_KEK: b64(kek2), SIGIL_KEK_PREVIOUS: b64(kek1) });
    expect(during.current().kid).toBe(active);
    expect(await during.rewrapDataKeys()).toEqual({ rewrapped: 2, kekId: localKekId(kek2) });
    expect(await kekIds()).toEqual([localKekId(kek2)]);
    expect(await during.rewrapDataKeys()).toEqual({ rewrapped: 0, kekId: localKekId(kek2) });

    // Phase 3: the old KEK is gone; a fresh instance opens every key. The old instance never noticed.
    const after = await instance({ SIGIL_KEK: b64(kek2) });
    expect(after.current().kid).toBe(active);
    await before.refresh();
    expect(before.current().kid).toBe(active);
    for (const service of [before, during, after]) {
      expect(
        service
          .jwks()
          .keys.map((key) => key.kid)
          .sort(),
      ).toEqual([active, pending.kid].sort());
    }
  });

  it("an instance that cannot open a new key keeps signing with the previous one and still verifies it", async () => {
    const other = await createTestDataSource();
    try {
      const fast = { SIGIL_KEY_PUBLISH_LEAD: "0.2", SIGIL_KEY_POLL_MS: "50" };
      const stale = await instance({ ...fast, SIGIL_KEK: b64(kek1) }, other); // never given the new KEK
      const newer = await instance({ ...fast, SIGIL_KEK: b64(kek2), SIGIL_KEK_PREVIOUS: b64(kek1) }, other);
      const old = stale.current().kid;
      const rotated = await newer.rotate();
      if (!rotated.rotated) throw new Error("no rotation");
      await sleep(300);
      await stale.refresh();
      expect(newer.current().kid).toBe(rotated.kid);
      expect(stale.current().kid).toBe(old);
      expect(stale.publicKey(rotated.kid)).toBeDefined();
      expect(newer.publicKey(old)).toBeDefined();
      for (const service of services.splice(-2)) await service.onModuleDestroy();
    } finally {
      await other.destroy();
    }
  });
});

describe("sigil keys / sigil kek (CLI)", () => {
  let dataDir: string;
  const run = async (command: typeof keys, action: string, env: Record<string, string>) => {
    const printed: string[] = [];
    await command({ action, env: { SIGIL_DATA_DIR: dataDir, ...env }, print: (text) => printed.push(text) });
    return JSON.parse(printed.join("\n"));
  };

  const withDatabase = async (use: (dataSource: SigilDataSource) => Promise<void>) => {
    const dataSource = createDataSource({ dataDir: path.join(dataDir, "pglite") });
    await dataSource.initialize();
    try {
      await use(dataSource);
    } finally {
      await dataSource.destroy();
    }
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "sigil-keys-cli-"));
    const dataSource = createDataSource({ dataDir: path.join(dataDir, "pglite") });
    await dataSource.initialize();
    await runMigrations(dataSource);
    await dataSource.destroy();
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("rotate creates the first key active and the next one pending; list shows states; rewrap moves KEKs", async () => {
    const env = { SIGIL_KEK: b64(kek1), SIGIL_KEY_PUBLISH_LEAD: "600" };
    const first = await run(keys, "rotate", env);
    expect(first.retiring).toEqual([]);
    const second = await run(keys, "rotate", env);
    expect(new Date(second.activatesAt).getTime() - Date.now()).toBeGreaterThan(590_000);
    expect(second.retiring).toEqual([{ kid: first.kid, retiredAt: expect.any(String) }]);
    await expect(run(keys, "rotate", env)).rejects.toThrow(/already pending/);

    const listed = await run(keys, "list", env);
    expect(listed.map((key: { kid: string; state: string }) => [key.kid, key.state])).toEqual([
      [second.kid, "pending"],
      [first.kid, "active"],
    ]);
    expect(JSON.stringify(listed)).not.toMatch(/"d"|PRIVATE/);

    // An API key's HMAC secret, sealed under the old KEK like the signing keys.
    const secret = randomBytes(32);
    await withDatabase(async (dataSource) => {
      const sealed = await new SecretBox(new LocalKekProvider({ current: kek1 })).seal({
        plaintext: secret,
        context: apiKeySecretContext("ak_1"),
      });
      await dataSource.query(
        `INSERT INTO api_keys (id, owner_subject, owner_address, chain_id, wallet_kind, alg, kek_id,
                               wrapped_data_key, secret_encrypted, scopes, expires_at, max_requests_per_minute,
                               allowed_clients, created_at)
         VALUES ('ak_1', 'eip155:31337:0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
                 '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 31337, 'eoa', 'hmac-sha256', $1, $2, $3,
                 '{orders:read}', now() + interval '1 day', 60, '{}', now())`,
        [sealed.kekId, sealed.wrappedKey, sealed.ciphertext],
      );
    });

    const moved = await run(kek, "rewrap", { SIGIL_KEK: b64(kek2), SIGIL_KEK_PREVIOUS: b64(kek1) });
    expect(moved).toEqual({ rewrapped: 2, apiKeySecrets: 1, kekId: localKekId(kek2) });

    // Each rotation and the re-wrap are on the audit chain, naming the keys (never their secrets).
    await withDatabase(async (dataSource) => {
      const events = (await dataSource.query(
        `SELECT type, outcome, data FROM audit_events
          WHERE type IN ('signing_key_rotated', 'signing_keys_rewrapped') ORDER BY id`,
      )) as { type: string; outcome: string; data: Record<string, unknown> }[];
      expect(events).toEqual([
        {
          type: "signing_key_rotated",
          outcome: "info",
          data: { kid: first.kid, reason: "bootstrap", activatesAt: expect.any(String), retiring: [] },
        },
        {
          type: "signing_key_rotated",
          outcome: "info",
          data: {
            kid: second.kid,
            reason: "on_demand",
            activatesAt: second.activatesAt,
            retiring: [{ kid: first.kid, retiredAt: second.retiring[0].retiredAt }],
          },
        },
        {
          type: "signing_keys_rewrapped",
          outcome: "info",
          data: { kekId: localKekId(kek2), kids: expect.arrayContaining([first.kid, second.kid]) },
        },
      ]);
    });
    // The API key's secret now opens under the new KEK alone.
    await withDatabase(async (dataSource) => {
      const [row] = await dataSource.query(`SELECT kek_id, wrapped_data_key, secret_encrypted FROM api_keys`);
      expect(row.kek_id).toBe(localKekId(kek2));
      const opened = await new SecretBox(new LocalKekProvider({ current: kek2 })).open({
        sealed: { kekId: row.kek_id, wrappedKey: row.wrapped_data_key, ciphertext: row.secret_encrypted },
        context: apiKeySecretContext("ak_1"),
      });
      expect(Buffer.from(opened).equals(secret)).toBe(true);
    });
    const relisted = await run(keys, "list", { SIGIL_KEK: b64(kek2) });
    expect(relisted.map((key: { kekId: string }) => key.kekId)).toEqual([localKekId(kek2), localKekId(kek2)]);
    await expect(run(keys, "nonsense", env)).rejects.toThrow(/usage/);
  });
});
