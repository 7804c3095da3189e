import type { INestApplication } from "@nestjs/common";
import { createDpopProof, publicJwkFor, publicJwkThumbprint } from "@sigil/sessions";
import { generateKeyPairSync } from "node:crypto";
import request from "supertest";
import { createVenueApp, loadVenueConfig } from "../../apps/example-venue/src/index.js";
import { TestIssuer } from "./support/test-issuer.js";

const PUBLIC_URL = "https://venue.example";

/** J9: the example venue checks a DPoP proof's `htu` against its configured public URL, not the Host header. */
describe("example venue: DPoP htu from VENUE_PUBLIC_URL", () => {
  let issuer: TestIssuer;
  let venue: INestApplication;
  let venueUrl: string;
  const key = generateKeyPairSync("ed25519");
  const jkt = publicJwkThumbprint(publicJwkFor("EdDSA", key.publicKey.export({ format: "jwk" })));

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    venue = await createVenueApp(
      loadVenueConfig({
        SIGIL_ISSUER: issuer.issuer,
        SIGIL_AUDIENCE: issuer.audience,
        SIGIL_JWKS_URL: issuer.jwksUrl,
        SIGIL_REVOCATIONS_URL: issuer.revocationsUrl,
        VENUE_CLIENT_ID: issuer.clientId,
        VENUE_CLIENT_SECRET: issuer.clientSecret,
        VENUE_PUBLIC_URL: `${PUBLIC_URL}/`,
      }),
      { logger: false },
    );
    await venue.listen(0, "127.0.0.1");
    venueUrl = await venue.getUrl();
  });

  afterAll(async () => {
    await venue?.close();
    await issuer?.close();
  });

  const positions = (token: string, htu: string) =>
    request(venueUrl)
      .get("/positions")
      .set("Authorization", `DPoP ${token}`)
      .set(
        "DPoP",
        createDpopProof({ privateKey: key.privateKey, htm: "GET", htu, now: new Date(), accessToken: token }),
      );

  it("J9: a proof for the public URL is accepted; one for the Host the request arrived with is refused", async () => {
    const token = issuer.sign({ scope: "positions:read", claims: { cnf: { jkt } } });
    await positions(token, `${PUBLIC_URL}/positions`).expect(200);
    // The Host header names the listener (127.0.0.1:port): a proof made for it is not for this venue.
    const refused = await positions(token, `${venueUrl}/positions`);
    expect([refused.status, refused.body.error]).toEqual([401, "invalid_dpop_proof"]);
  });
});
