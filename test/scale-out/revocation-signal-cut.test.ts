// B12: an instance serves token checks from sessions held in memory only while its revocation signal
// proves delivery. Its LISTEN connection's Postgres backend is stopped (SIGSTOP): the socket stays
// open and silent, as in a network partition, while its own queries and the other instance work.
import type { INestApplication } from "@nestjs/common";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import {
  RevocationSignalService,
  SIGNAL_STALENESS_MS,
} from "../../apps/auth-api/src/sessions/revocation-signal.service.js";
import { type Api, bearer, listen } from "../e2e/support/http.js";
import { expectError, tokensFor } from "../e2e/support/siwe.js";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { sleep, waitFor } from "../guard/support/wait.js";

// Stopping a Postgres backend takes the right to signal the server's processes (CI runs as root).
const withServer = process.env.TEST_DATABASE_URL && process.getuid?.() === 0 ? describe : describe.skip;

withServer(
  "B12: a revocation signal cut off silently (needs TEST_DATABASE_URL, a local server, root)",
  () => {
    const trader = devAccount(DevAccountIndex.trader);
    let sigil: SigilTestEnvironment;
    let cut: Api;
    let other: Api;
    let listenerPid: number;

    const listeners = async (): Promise<number[]> =>
      (
        (await sigil.database.dataSource.query(
          `SELECT pid FROM pg_stat_activity WHERE application_name = 'sigil-revocation-signal'
            AND datname = current_database()`,
        )) as { pid: number }[]
      ).map((row) => row.pid);
    const signalOf = (app: INestApplication) => app.get(RevocationSignalService);

    beforeAll(async () => {
      sigil = await startSigil();
      cut = await listen(sigil.app);
      await waitFor(() => signalOf(sigil.app).isFresh());
      // The first instance's listener is the only one until the second instance starts.
      [listenerPid] = (await listeners()) as [number];
      other = await listen(await sigil.createInstance());
    });

    /** Lets the stopped backend run again (it then finds its client gone and exits). */
    const resume = () => {
      try {
        if (listenerPid) process.kill(listenerPid, "SIGCONT");
      } catch {
        // Exited already.
      }
    };

    afterAll(async () => {
      resume();
      await sigil?.close();
    });

    it("B12: with its signal cut, an instance refuses a session revoked elsewhere within 1 s, and stays up", async () => {
      expect(await listeners()).toHaveLength(2);
      const revoked = await tokensFor(cut, trader);
      // Held in memory by the instance about to be cut off.
      await cut.get("/v1/me").set(bearer(revoked.access_token)).expect(200);
      expect(signalOf(sigil.app).isFresh()).toBe(true);

      process.kill(listenerPid, "SIGSTOP");
      await other.post("/v1/auth/logout").set(bearer(revoked.access_token)).expect(204);
      // The notification never arrives; the held row stops counting once the last heartbeat is too old.
      const waited = await waitFor(
        async () => (await cut.get("/v1/me").set(bearer(revoked.access_token))).status === 401,
        { timeoutMs: 2_000 },
      );
      expect(waited).toBeLessThan(SIGNAL_STALENESS_MS + 500);
      expect(signalOf(sigil.app).isFresh()).toBe(false);
      expectError(await cut.get("/v1/me").set(bearer(revoked.access_token)), 401, "invalid_token");

      // Not an outage: sessions are read from the database while the signal cannot vouch for memory.
      const live = await tokensFor(other, trader);
      for (let i = 0; i < 3; i += 1) await cut.get("/v1/me").set(bearer(live.access_token)).expect(200);
      await other.post("/v1/auth/logout").set(bearer(live.access_token)).expect(204);
      expectError(await cut.get("/v1/me").set(bearer(live.access_token)), 401, "invalid_token");
    });

    it("B12: the instance drops the stuck connection, listens again and trusts memory only after", async () => {
      // Unanswered heartbeats end the connection (5 s); the listener reconnects a second later.
      await waitFor(() => signalOf(sigil.app).isFresh(), { timeoutMs: 15_000, everyMs: 100 });
      resume();
      await waitFor(async () => !(await listeners()).includes(listenerPid));

      const tokens = await tokensFor(other, trader);
      await cut.get("/v1/me").set(bearer(tokens.access_token)).expect(200);
      await sleep(50);
      await other.post("/v1/auth/logout").set(bearer(tokens.access_token)).expect(204);
      await waitFor(async () => (await cut.get("/v1/me").set(bearer(tokens.access_token))).status === 401, {
        timeoutMs: 1_000,
      });
    });
  },
);
