import {
  Initial1764288000000,
  KeyRotation1764600000000,
  SessionsRevocationsKeys1764300000000,
} from "@sigil/persistence";
import { generateSigningKey, seal } from "@sigil/sessions";
import { randomBytes } from "node:crypto";
import { createTestDataSource, type TestDataSource } from "../fixtures/database.js";

describe("migration 1764600000000-key-rotation on a database with a key of the former format", () => {
  let database: TestDataSource;

  beforeAll(async () => {
    database = await createTestDataSource({ migrate: false });
  });

  afterAll(async () => {
    await database?.destroy();
  });

  it("drops the private half of a key sealed directly under the KEK and retires it after the longest token lifetime", async () => {
    const runner = database.dataSource.createQueryRunner();
    try {
      await new Initial1764288000000().up(runner);
      await new SessionsRevocationsKeys1764300000000().up(runner);
      const key = generateSigningKey({ now: new Date() });
      const der = key.privateKey.export({ format: "der", type: "pkcs8" });
      await runner.query(
        `INSERT INTO signing_keys (kid, alg, public_jwk, private_key_encrypted, created_at, activated_at)
          VALUES ($1, 'ES256', $2, $3, now() - interval '1 day', now() - interval '1 day')`,
        [
          key.kid,
          JSON.stringify(key.publicJwk),
          seal({ kek: randomBytes(32), plaintext: der, context: key.kid }),
        ],
      );

      await new KeyRotation1764600000000().up(runner);
      const [row] = await runner.query(
        `SELECT private_key_encrypted, kek_id, extract(epoch FROM retired_at - now()) AS retires_in FROM signing_keys`,
      );
      expect(row.private_key_encrypted).toBeNull();
      expect(row.kek_id).toBeNull();
      expect(Number(row.retires_in)).toBeGreaterThan(950);
      expect(Number(row.retires_in)).toBeLessThanOrEqual(960);
      // The constraint keeps the three sealed columns together.
      await expect(
        runner.query(`UPDATE signing_keys SET private_key_encrypted = '\\x01'::bytea`),
      ).rejects.toThrow(/CHK_signing_keys_sealed/);

      await new KeyRotation1764600000000().down(runner);
      expect(await runner.query("SELECT count(*)::int AS n FROM signing_keys")).toEqual([{ n: 0 }]);
      await new KeyRotation1764600000000().up(runner);
    } finally {
      await runner.release();
    }
  });
});
