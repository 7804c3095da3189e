import type { INestApplication } from "@nestjs/common";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { createBotClient, createSessionKey, ownerApi, signDelegation } from "@sigil/client/node";
import { createVenueFor } from "../fixtures/example-venue.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { inSeconds } from "./support/bot-flows.js";

const trader = devAccount(DevAccountIndex.trader);
const order = { market: "BTC-USD", side: "buy", size: "0.1" };

/** The Node bot SDK (@sigil/client/node) over real HTTP: delegation and API-key bots trading at the venue. */
describe("bots: Node SDK", () => {
  let sigil: SigilTestEnvironment;
  let venue: INestApplication;
  let sigilUrl: string;
  let venueUrl: string;

  beforeAll(async () => {
    sigil = await startSigil();
    await sigil.app.listen(0, "127.0.0.1");
    sigilUrl = (await sigil.app.getUrl()).replace("[::1]", "127.0.0.1");
    venue = await createVenueFor(sigil, sigilUrl);
    await venue.listen(0, "127.0.0.1");
    venueUrl = (await venue.getUrl()).replace("[::1]", "127.0.0.1");
  });

  afterAll(async () => {
    await venue?.close();
    await sigil?.close();
  });

  async function owner() {
    const login = await signIn({ app: sigil.app, account: trader });
    expect(login.status).toBe(200);
    return ownerApi({ baseUrl: sigilUrl, accessToken: login.body.access_token });
  }

  it("a delegated bot trades with DPoP, reuses its token, and logs in again when it nears expiry", async () => {
    const sessionKey = createSessionKey("secp256k1");
    const delegation = await (
      await owner()
    ).createDelegation(
      await signDelegation({
        owner: trader,
        sessionKey,
        terms: { scopes: ["orders:write", "orders:read"], expiresAt: inSeconds(3600), chainId: 31337 },
      }),
    );
    // Tokens live 600 s; renewing 599 s early makes one last a second in the SDK's eyes.
    const bot = createBotClient({
      baseUrl: sigilUrl,
      issuer: sigil.env.SIGIL_ISSUER!,
      credential: { kind: "delegation", delegationId: delegation.id, sessionKey },
      refreshMarginSeconds: 599,
    });
    expect((await bot.fetch(`${venueUrl}/orders`, { method: "POST", body: order })).status).toBe(201);
    expect((await bot.fetch(`${venueUrl}/orders`)).status).toBe(200);
    const first = await bot.token();
    expect(first.token_type).toBe("DPoP");
    expect((await bot.token()).session_id).toBe(first.session_id);
    // Inside the refresh margin, the SDK proves its key again for a new token.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const renewed = await bot.token();
    expect(renewed.session_id).not.toBe(first.session_id);
  });

  it("an API-key bot signs requests and trades with the Bearer token they buy; revoked → SigilClientError", async () => {
    const api = await owner();
    const key = await api.createApiKey({
      alg: "hmac-sha256",
      scopes: ["orders:write"],
      expiresAt: inSeconds(3600),
    });
    const bot = createBotClient({
      baseUrl: sigilUrl,
      credential: { kind: "api-key", keyId: key.id, signer: { alg: "hmac-sha256", secret: key.secret! } },
    });
    expect((await bot.fetch(`${venueUrl}/orders`, { method: "POST", body: order })).status).toBe(201);
    const signed = await bot.signedFetch("/v1/api-keys/token", { method: "POST", body: {} });
    expect(signed.status).toBe(200);
    await api.revokeApiKey(key.id);
    bot.reset();
    await expect(bot.token()).rejects.toMatchObject({ code: "request_signature_invalid", status: 401 });
  });
});
