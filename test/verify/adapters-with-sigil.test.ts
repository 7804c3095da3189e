import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { DPOP_ALGORITHMS, type SigilVerifierOptions } from "@sigil/verify";
import { sigilExpress, type SigilExpress } from "@sigil/verify/express";
import {
  botLogin,
  createSessionKey,
  inSeconds,
  proof,
  type SessionKey,
  signDelegation,
} from "../bots/support/bot-flows.js";
import { type SigilTestEnvironment, signIn, startSigil, VENUE_CLIENT } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import { type AdapterName, type RunningApp, venueOnExpress, venueOnFastify } from "./support/adapter-apps.js";

const trader = devAccount(DevAccountIndex.trader);
const viewer = devAccount(DevAccountIndex.viewer);
const order = { market: "BTC-USD", side: "buy", size: "0.1" };

/** Express and Fastify apps behind @sigil/verify's adapters, each a real server trusting a real auth-api. */
describe("@sigil/verify adapters trusting a real auth-api", () => {
  let sigil: SigilTestEnvironment;
  let sigilUrl: string;

  beforeAll(async () => {
    sigil = await startSigil();
    await sigil.app.listen(0, "127.0.0.1");
    sigilUrl = (await sigil.app.getUrl()).replace("[::1]", "127.0.0.1");
  });

  afterAll(async () => {
    await sigil?.close();
  });

  const verifierOptions = (): SigilVerifierOptions => ({
    issuer: sigil.env.SIGIL_ISSUER!,
    audience: "urn:sigil:venue",
    jwksUrl: `${sigilUrl}/.well-known/jwks.json`,
    // The default 1 s poll: B7 is measured against it.
    revocations: {
      url: `${sigilUrl}/v1/revocations`,
      clientId: VENUE_CLIENT.id,
      clientSecret: VENUE_CLIENT.secret,
    },
  });

  async function walletToken(account = trader): Promise<string> {
    const response = await signIn({ app: sigil.app, account });
    expect(response.status).toBe(200);
    return response.body.access_token as string;
  }

  describe.each<AdapterName>(["express", "fastify"])("%s", (adapter) => {
    let app: RunningApp;
    let express: SigilExpress | undefined;

    beforeAll(async () => {
      if (adapter === "express") {
        express = sigilExpress(verifierOptions());
        await express.start();
        app = await venueOnExpress(express);
      } else {
        app = await venueOnFastify(verifierOptions());
      }
    });

    afterAll(async () => {
      await app?.close();
      express?.close();
    });

    const get = (path: string, token?: string) =>
      fetch(`${app.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

    it("admits a wallet's token with 200 and hands the handler its principal", async () => {
      const token = await walletToken();
      const response = await get("/positions", token);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        sub: `eip155:31337:${trader.address}`,
        address: trader.address,
        chainId: 31337,
        scopes: expect.arrayContaining(["orders:read", "orders:write", "positions:read"]),
      });
      expect((await get("/me", token)).status).toBe(200);
      expect((await get("/health")).status).toBe(200);
    });

    it("V1: a token without the route's scope → 403 insufficient_scope with the scope challenge", async () => {
      const token = await walletToken(viewer);
      expect((await get("/positions", token)).status).toBe(200);
      const refused = await get("/orders", token);
      expect(refused.status).toBe(403);
      expect(refused.headers.get("www-authenticate")).toBe(
        'Bearer error="insufficient_scope", scope="orders:read"',
      );
      expect(refused.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await refused.json()).toEqual({ error: "insufficient_scope", message: expect.any(String) });
    });

    it("V1: no credentials → 401 with both challenges and no error code; a forged token → invalid_token", async () => {
      const missing = await get("/positions");
      expect(missing.status).toBe(401);
      expect(missing.headers.get("www-authenticate")).toBe(`Bearer, DPoP algs="${DPOP_ALGORITHMS}"`);
      expect((await missing.json()).error).toBe("invalid_token");
      const token = await walletToken();
      const forged = `${token.slice(0, -4)}AAAA`;
      const refused = await get("/positions", forged);
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    });

    it("B7: a logout at Sigil is refused by the adapter within its 1 s feed poll", async () => {
      const token = await walletToken();
      expect((await get("/positions", token)).status).toBe(200);
      const logout = await fetch(`${sigilUrl}/v1/auth/logout`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(logout.status).toBe(204);
      const waited = await waitFor(async () => (await get("/positions", token)).status === 401, {
        timeoutMs: 5000,
        everyMs: 20,
      });
      expect(waited).toBeLessThanOrEqual(1000 + 500);
    });

    it("B9: a DPoP-bound bot token with its proof → 201; the same proof replayed → 401 invalid_dpop_proof", async () => {
      const key = createSessionKey("ed25519");
      const token = await botToken(key);
      const url = `${app.url}/orders`;
      const once = proof({ key, method: "POST", url, accessToken: token });
      const send = (dpop: string) =>
        fetch(url, {
          method: "POST",
          headers: { authorization: `DPoP ${token}`, dpop, "content-type": "application/json" },
          body: JSON.stringify(order),
        });
      const placed = await send(once);
      expect(placed.status).toBe(201);
      expect(await placed.json()).toMatchObject({ act: { sub: `jkt:${key.jkt}` }, order });
      const replayed = await send(once);
      expect(replayed.status).toBe(401);
      expect(replayed.headers.get("www-authenticate")).toBe(
        `DPoP error="invalid_dpop_proof", algs="${DPOP_ALGORITHMS}"`,
      );
      expect((await replayed.json()).error).toBe("invalid_dpop_proof");
    });
  });

  /** The owner delegates orders:write to `key`; the bot logs in at Sigil with a proof of it. */
  async function botToken(key: SessionKey): Promise<string> {
    const owner = await walletToken();
    const body = await signDelegation({
      owner: trader,
      key,
      terms: { scopes: ["orders:write"], expiresAt: inSeconds(3600) },
    });
    const created = await fetch(`${sigilUrl}/v1/delegations`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const login = await botLogin({ app: sigil.app, issuer: sigil.env.SIGIL_ISSUER!, delegationId: id, key });
    expect(login.status).toBe(200);
    return login.body.access_token as string;
  }
});
