// J7: expired SIWE nonces and replay keys are deleted on a schedule, in bounded batches, by one
// instance at a time; what has not expired is left alone.
import type { INestApplication } from "@nestjs/common";
import { ExpiredRowSweeper } from "../../apps/auth-api/src/index.js";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import pg from "pg";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { type Api, listen } from "./support/http.js";
import { bareNonce, challengeFor, login } from "./support/siwe.js";

const withServer = process.env.TEST_DATABASE_URL ? it : it.skip;

describe("J7: sweeping expired nonces and replay keys", () => {
  let sigil: SigilTestEnvironment;
  let api: Api;
  let sweeper: ExpiredRowSweeper;

  beforeAll(async () => {
    sigil = await startSigil({ SIGIL_SWEEP_INTERVAL_MS: "0", SIGIL_SWEEP_BATCH_SIZE: "100" });
    api = await listen(sigil.app);
    sweeper = sigil.app.get(ExpiredRowSweeper);
  });
  afterAll(async () => {
    await sigil?.close();
  });

  const query = <Row>(sql: string, values: unknown[] = []) =>
    sigil.database.dataSource.query(sql, values) as Promise<Row[]>;
  const count = async (table: string) =>
    (await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

  /** `total` unauthenticated `GET /v1/auth/nonce`, 25 at a time, as a scraper would send them. */
  const flood = async (through: Api, total: number) => {
    const nonces: string[] = [];
    for (let sent = 0; sent < total; sent += 25) {
      nonces.push(...(await Promise.all(Array.from({ length: 25 }, () => bareNonce(through)))));
    }
    return nonces;
  };

  it("J7: a flood of 1,000 nonces is swept once expired, 100 rows a batch; live nonces and replay keys stay", async () => {
    const flooded = await flood(api, 1000);
    const until = (
      await query<{ until: Date }>(`SELECT max(expires_at) AS until FROM nonces WHERE nonce = ANY($1)`, [
        flooded,
      ])
    )[0]!.until;
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Issued after the flood, so they expire after it.
    const trader = devAccount(DevAccountIndex.trader);
    const challenge = await challengeFor(api, trader.address);
    const liveNonces = [challenge.nonce, await bareNonce(api), await bareNonce(api)];
    const afterFlood = new Date(until.getTime() + 1);
    await query(
      `INSERT INTO replay_nonces (key, expires_at)
       SELECT 'expired-' || i, $1::timestamptz - interval '1 second' FROM generate_series(1, 250) i`,
      [afterFlood],
    );
    await query(
      `INSERT INTO replay_nonces (key, expires_at)
       SELECT 'live-' || i, $1::timestamptz + interval '1 minute' FROM generate_series(1, 3) i`,
      [afterFlood],
    );
    expect(await count("nonces")).toBeGreaterThanOrEqual(1003);

    const result = await sweeper.sweepOnce(afterFlood);

    expect(result.ran).toBe(true);
    expect(result.deleted).toEqual({ nonces: 1000, replay_nonces: 250 });
    // Bounded: 10 full batches of nonces and 3 of replay keys, each followed by a short one.
    expect(result.batches).toBe(11 + 3);
    const left = await query<{ nonce: string }>(`SELECT nonce FROM nonces`);
    expect(left.map((row) => row.nonce).sort()).toEqual([...liveNonces].sort());
    const keys = await query<{ key: string }>(`SELECT key FROM replay_nonces ORDER BY key`);
    expect(keys.map((row) => row.key)).toEqual(["live-1", "live-2", "live-3"]);
    // The challenge issued before the sweep still signs in.
    const signature = await trader.signMessage({ message: challenge.message });
    expect((await login(api, challenge.message, signature)).status).toBe(200);
  });

  it("J7: on its schedule, an instance sweeps nonces past their expiry without being asked", async () => {
    const instance: INestApplication = await sigil.createInstance({ SIGIL_SWEEP_INTERVAL_MS: "100" });
    try {
      const through = await listen(instance);
      const flooded = await flood(through, 300);
      const live = await bareNonce(through);
      // Their expiry passes: moved into the past in the database rather than waited for.
      await query(`UPDATE nonces SET expires_at = now() - interval '1 second' WHERE nonce = ANY($1)`, [
        flooded,
      ]);
      const deadline = Date.now() + 10_000;
      let remaining = flooded.length;
      while (remaining > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        remaining = (
          await query<{ n: number }>(`SELECT count(*)::int AS n FROM nonces WHERE nonce = ANY($1)`, [flooded])
        )[0]!.n;
      }
      expect(remaining).toBe(0);
      expect(await query(`SELECT 1 FROM nonces WHERE nonce = $1`, [live])).toHaveLength(1);
    } finally {
      // Its schedule would otherwise race the next test's sweeps.
      await sigil.closeInstance(instance);
    }
  });

  withServer(
    "J7: one instance sweeps at a time: while another session holds the sweep lock, nothing is deleted (needs TEST_DATABASE_URL)",
    async () => {
      const other = new pg.Client({
        connectionString: (sigil.database.dataSource.options as { url: string }).url,
      });
      await other.connect();
      try {
        // Held before anything expires, so no scheduled sweep can take these rows first.
        await other.query(`SELECT pg_advisory_lock(hashtext('sigil:sweep-expired'))`);
        const expired = await flood(api, 50);
        await query(`UPDATE nonces SET expires_at = now() - interval '1 second' WHERE nonce = ANY($1)`, [
          expired,
        ]);
        const blocked = await sweeper.sweepOnce();
        expect(blocked).toEqual({ ran: false, deleted: { nonces: 0, replay_nonces: 0 }, batches: 0 });
        expect(await count("nonces")).toBeGreaterThanOrEqual(50);
        await other.query(`SELECT pg_advisory_unlock(hashtext('sigil:sweep-expired'))`);
        const after = await sweeper.sweepOnce();
        expect(after.ran).toBe(true);
        expect(after.deleted.nonces).toBeGreaterThanOrEqual(50);
      } finally {
        await other.end();
      }
    },
  );
});
