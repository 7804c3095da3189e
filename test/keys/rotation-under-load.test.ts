import type { INestApplication } from "@nestjs/common";
import { SigningKeysService } from "../../apps/auth-api/src/index.js";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { setTimeout as sleep } from "node:timers/promises";
import { createVenueFor } from "../fixtures/example-venue.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { kidOf, runLoad } from "./support/load.js";

// Longer than the guard's 5 s refetch cooldown, so the venue may learn each new kid on first sight.
const PUBLISH_LEAD_S = 6;

describe("signing-key rotation under load", () => {
  let sigil: SigilTestEnvironment;
  let venue: INestApplication;
  let sigilUrl: string;
  let otherUrl: string;
  let venueUrl: string;

  beforeAll(async () => {
    sigil = await startSigil({
      SIGIL_KEY_PUBLISH_LEAD: String(PUBLISH_LEAD_S),
      SIGIL_KEY_POLL_MS: "100",
      SIGIL_ACCESS_TOKEN_TTL: "120",
    });
    await sigil.app.listen(0, "127.0.0.1");
    sigilUrl = await sigil.app.getUrl();
    // A second instance on the same database: it learns of new keys only through its own polling.
    const other = await sigil.createInstance(
      process.env.B10_OTHER_ENV ? JSON.parse(process.env.B10_OTHER_ENV) : {},
    );
    await other.listen(0, "127.0.0.1");
    otherUrl = await other.getUrl();
    venue = await createVenueFor(sigil, sigilUrl);
    await venue.listen(0, "127.0.0.1");
    venueUrl = await venue.getUrl();
  }, 60_000);

  afterAll(async () => {
    await venue?.close();
    await sigil?.close();
  });

  it("B10: two rotations while two auth-api instances and the venue serve requests: zero 401s, every kid used", async () => {
    const keys = sigil.app.get(SigningKeysService);
    const login = await signIn({ app: sigil.app, account: devAccount(DevAccountIndex.trader) });
    expect(login.status).toBe(200);
    const tokens: string[] = [login.body.access_token];
    let refreshToken: string = login.body.refresh_token;
    const issuedKids: string[] = [kidOf(login.body.access_token)];

    // Fresh tokens keep coming (signed by whichever key is active); requests use old and new ones.
    let stop = false;
    const refresher = (async () => {
      while (!stop) {
        const refreshed = await request(sigilUrl)
          .post("/v1/auth/refresh")
          .send({ refresh_token: refreshToken });
        expect(refreshed.status).toBe(200);
        refreshToken = refreshed.body.refresh_token;
        tokens.push(refreshed.body.access_token);
        const kid = kidOf(refreshed.body.access_token);
        if (issuedKids.at(-1) !== kid) issuedKids.push(kid);
        await sleep(100);
      }
    })();
    const anyToken = () =>
      Math.random() < 0.5 ? tokens.at(-1)! : tokens[Math.floor(Math.random() * tokens.length)]!;

    const rotations = (async () => {
      const rotated: string[] = [];
      for (let i = 0; i < 2; i += 1) {
        await sleep(500);
        const outcome = await keys.rotate();
        if (!outcome.rotated) throw new Error("rotation did not happen");
        // Published before use: in the JWKS at once, while tokens are still signed with the old key.
        const jwks = await request(sigilUrl).get("/.well-known/jwks.json").expect(200);
        expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toContain(outcome.kid);
        expect(kidOf(tokens.at(-1)!)).not.toBe(outcome.kid);
        rotated.push(outcome.kid);
        while (issuedKids.at(-1) !== outcome.kid) await sleep(50);
      }
      await sleep(1500); // keep the load on the last key, with the older tokens still in the mix
      return rotated;
    })();

    const load = runLoad({
      targets: [
        { name: "auth-api /v1/me", origin: sigilUrl, path: "/v1/me", token: anyToken },
        { name: "auth-api (other instance) /v1/me", origin: otherUrl, path: "/v1/me", token: anyToken },
        { name: "venue /positions", origin: venueUrl, path: "/positions", token: anyToken },
      ],
      concurrency: 4,
      until: rotations,
    });
    const [rotated, result] = await Promise.all([rotations, load]);
    stop = true;
    await refresher;

    expect(result.failures.slice(0, 5)).toEqual([]);
    const targets = ["auth-api /v1/me", "auth-api (other instance) /v1/me", "venue /positions"];
    for (const target of targets) expect(result.statuses[target]![401] ?? 0).toBe(0);
    expect(issuedKids).toEqual([issuedKids[0], ...rotated]);
    for (const target of targets) {
      expect([...result.kids[target]!].sort()).toEqual([...issuedKids].sort());
    }
    expect(result.requests).toBeGreaterThan(200);
    console.log(
      `B10 load: ${result.requests} requests, statuses ${JSON.stringify(result.statuses)}, kids ${issuedKids.length}`,
    );
  }, 90_000);
});
