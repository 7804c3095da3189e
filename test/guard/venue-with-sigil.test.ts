import type { INestApplication } from "@nestjs/common";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { createVenueFor } from "../fixtures/example-venue.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "./support/wait.js";

/** The real thing: tokens from a SIWE sign-in at the auth-api, checked by the venue over HTTP. */
describe("example venue trusting a real auth-api", () => {
  let sigil: SigilTestEnvironment;
  let venue: INestApplication;
  const http = () => request(venue.getHttpServer());

  beforeAll(async () => {
    sigil = await startSigil();
    await sigil.app.listen(0, "127.0.0.1");
    const url = await sigil.app.getUrl();
    venue = await createVenueFor(sigil, url);
  });

  afterAll(async () => {
    await venue?.close();
    await sigil?.close();
  });

  async function accessToken(index: number): Promise<{ token: string; sid: string }> {
    const response = await signIn({ app: sigil.app, account: devAccount(index) });
    expect(response.status).toBe(200);
    return { token: response.body.access_token, sid: response.body.session_id };
  }

  it("admits the trader's token with the scopes its on-chain role confers", async () => {
    const { token } = await accessToken(DevAccountIndex.trader);
    const trader = devAccount(DevAccountIndex.trader).address;
    const positions = await http().get("/positions").set("Authorization", `Bearer ${token}`).expect(200);
    expect(positions.body).toMatchObject({ address: trader, chainId: 31337 });
    await http()
      .post("/orders")
      .set("Authorization", `Bearer ${token}`)
      .send({ market: "BTC-USD", side: "sell", size: "0.1" })
      .expect(201);
    await http().get("/health").expect(200);
  });

  it("refuses the viewer's orders with 403 insufficient_scope", async () => {
    const { token } = await accessToken(DevAccountIndex.viewer);
    await http().get("/positions").set("Authorization", `Bearer ${token}`).expect(200);
    const refused = await http().get("/orders").set("Authorization", `Bearer ${token}`).expect(403);
    expect(refused.headers["www-authenticate"]).toBe(
      'Bearer error="insufficient_scope", scope="orders:read"',
    );
  });

  it("B7: a logout at Sigil is refused by the venue within its 1 s poll", async () => {
    const { token } = await accessToken(DevAccountIndex.trader);
    await http().get("/positions").set("Authorization", `Bearer ${token}`).expect(200);
    const url = await sigil.app.getUrl();
    await request(url).post("/v1/auth/logout").set("Authorization", `Bearer ${token}`).expect(204);
    const waited = await waitFor(
      async () => (await http().get("/positions").set("Authorization", `Bearer ${token}`)).status === 401,
      { timeoutMs: 5000, everyMs: 20 },
    );
    expect(waited).toBeLessThanOrEqual(1000 + 500);
  });
});
