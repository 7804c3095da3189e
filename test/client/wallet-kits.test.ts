// The wallet-kit adapters of @sigil/client against the real auth-api (in-process Nest app on a real
// port, local Hardhat chain, PGlite or TEST_DATABASE_URL), each driven the way its kit drives it.
import { createAuthenticationAdapter } from "@rainbow-me/rainbowkit";
import { createSIWEConfig, mapToSIWX } from "@reown/appkit-siwe";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { createSigilClient, type SigilClient, type SigilClientError } from "@sigil/client";
import { sigilAuthenticationAdapter } from "@sigil/client/rainbowkit";
import { sigilSiweConfig } from "@sigil/client/reown";
import { parseSiweMessage } from "@sigil/siwe";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { kitTypeErrors } from "./support/kit-types.js";

const trader = devAccount(DevAccountIndex.trader);
const viewer = devAccount(DevAccountIndex.viewer);
/** The SIWE binding of the test apps (test/fixtures/sigil-app.ts). */
const SITE = { domain: "sigil.test", uri: "http://sigil.test" };
const TRADER_SCOPES = ["orders:read", "orders:write", "positions:read"];

describe("wallet-kit adapters (@sigil/client/rainbowkit, @sigil/client/reown) against the real auth-api", () => {
  let sigil: SigilTestEnvironment;
  let baseUrl: string;
  const clients: SigilClient[] = [];
  const client = () => {
    const created = createSigilClient({ baseUrl });
    clients.push(created);
    return created;
  };
  /** `GET /v1/me` with a bare Bearer token: no refresh, no retry. */
  const meStatus = async (accessToken: string) =>
    (await fetch(`${baseUrl}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status;

  beforeAll(async () => {
    sigil = await startSigil();
    await sigil.app.listen(0, "127.0.0.1");
    baseUrl = (await sigil.app.getUrl()).replace("[::1]", "127.0.0.1");
  });
  afterAll(async () => {
    for (const c of clients) c.dispose();
    await sigil?.close();
  });

  describe("RainbowKit", () => {
    it("S1: getNonce → createMessage → personal_sign → verify signs in; /v1/me answers; signOut ends the token", async () => {
      const sdk = client();
      const adapter = createAuthenticationAdapter(
        sigilAuthenticationAdapter(sdk, { ...SITE, statement: "Sign in to the venue." }),
      );
      const nonce = await adapter.getNonce();
      const message = await adapter.createMessage({ nonce, address: trader.address, chainId: 31337 });
      // What Sigil's strict parser reads: the configured binding, the nonce, and an expiry.
      const parsed = parseSiweMessage(message);
      expect(parsed).toMatchObject({
        ...SITE,
        address: trader.address,
        chainId: 31337,
        nonce,
        version: "1",
        statement: "Sign in to the venue.",
      });
      const expiresIn = Date.parse(parsed.expirationTime!) - Date.now();
      expect(expiresIn).toBeGreaterThan(0);
      expect(expiresIn).toBeLessThanOrEqual(10 * 60_000);

      const signature = await trader.signMessage({ message });
      expect(await adapter.verify({ message, signature })).toBe(true);
      const session = await sdk.session();
      expect(session?.sub).toBe(`eip155:31337:${trader.address}`);
      expect(session?.scope.sort()).toEqual(TRADER_SCOPES);
      const response = await sdk.fetch(`${baseUrl}/v1/me`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ address: trader.address, chainId: 31337 });

      await adapter.signOut();
      expect(await sdk.session()).toBeUndefined();
      expect(await meStatus(session!.accessToken)).toBe(401);
    });

    it("S1: a signature by another wallet makes verify resolve false with signature_mismatch and leaves no session", async () => {
      const sdk = client();
      const refusals: SigilClientError[] = [];
      const adapter = sigilAuthenticationAdapter(sdk, { ...SITE, onRefused: (e) => refusals.push(e) });
      const message = adapter.createMessage({
        nonce: await adapter.getNonce(),
        address: trader.address,
        chainId: 31337,
      });
      expect(await adapter.verify({ message, signature: await viewer.signMessage({ message }) })).toBe(false);
      expect(refusals.map((e) => [e.code, e.status])).toEqual([["signature_mismatch", 401]]);
      expect(await sdk.session()).toBeUndefined();
    });

    it("S1/A2/A3: a message for another domain or an unconfigured chain is refused with Sigil's stable code", async () => {
      const refusals: SigilClientError[] = [];
      const onRefused = (e: SigilClientError) => refusals.push(e);
      const attempt = async (adapter: ReturnType<typeof sigilAuthenticationAdapter>, chainId: number) => {
        const message = adapter.createMessage({
          nonce: await adapter.getNonce(),
          address: trader.address,
          chainId,
        });
        return adapter.verify({ message, signature: await trader.signMessage({ message }) });
      };
      const sdk = client();
      const elsewhere = { domain: "venue.evil.example", uri: "https://venue.evil.example" };
      expect(await attempt(sigilAuthenticationAdapter(sdk, { ...elsewhere, onRefused }), 31337)).toBe(false);
      expect(await attempt(sigilAuthenticationAdapter(sdk, { ...SITE, onRefused }), 1)).toBe(false);
      expect(refusals.map((e) => [e.code, e.status])).toEqual([
        ["siwe_domain_mismatch", 401],
        ["siwe_chain_not_allowed", 401],
      ]);
      expect(await sdk.session()).toBeUndefined();
    });

    it("S1: requested scopes travel as SIWE resources and narrow the grant", async () => {
      const sdk = client();
      const adapter = sigilAuthenticationAdapter(sdk, { ...SITE, scope: ["orders:read"] });
      const message = adapter.createMessage({
        nonce: await adapter.getNonce(),
        address: trader.address,
        chainId: 31337,
      });
      expect(await adapter.verify({ message, signature: await trader.signMessage({ message }) })).toBe(true);
      expect((await sdk.me()).scope).toEqual(["orders:read"]);
    });
  });

  describe("Reown AppKit", () => {
    const CAIP_CHAIN = "eip155:31337";

    it("S1: AppKit's own SIWX bridge signs in (createMessage → sign → addSession), reads the session, and signs out", async () => {
      const sdk = client();
      const config = sigilSiweConfig(sdk, { ...SITE, chains: [31337], statement: "Sign in to the venue." });
      expect(await config.getSession()).toBeNull();
      // createSIWEConfig + mapToSIWX is what AppKit runs on the config (AppKit 1.8).
      const siwx = mapToSIWX(createSIWEConfig(config));
      const data = await siwx.createMessage({ accountAddress: trader.address, chainId: CAIP_CHAIN });
      const message = data.toString();
      expect(parseSiweMessage(message)).toMatchObject({
        ...SITE,
        address: trader.address,
        chainId: 31337,
        nonce: data.nonce,
        issuedAt: data.issuedAt,
      });
      const signature = await trader.signMessage({ message });
      await siwx.addSession({ data, message, signature });

      expect(await config.getSession()).toEqual({ address: trader.address, chainId: 31337 });
      const sessions = await siwx.getSessions(CAIP_CHAIN, trader.address);
      expect(sessions.map((s) => s.data)).toEqual([{ accountAddress: trader.address, chainId: CAIP_CHAIN }]);
      expect((await sdk.me()).address).toBe(trader.address);
      const { accessToken } = (await sdk.session())!;

      await siwx.revokeSession(CAIP_CHAIN, trader.address);
      expect(await config.getSession()).toBeNull();
      expect(await siwx.getSessions(CAIP_CHAIN, trader.address)).toEqual([]);
      expect(await meStatus(accessToken)).toBe(401);
    });

    it("S1: verifyMessage resolves false on a refused sign-in (AppKit's addSession then rejects)", async () => {
      const sdk = client();
      const refusals: string[] = [];
      const config = sigilSiweConfig(sdk, { ...SITE, onRefused: (e) => refusals.push(e.code) });
      const siwx = mapToSIWX(createSIWEConfig(config));
      const data = await siwx.createMessage({ accountAddress: trader.address, chainId: CAIP_CHAIN });
      const message = data.toString();
      const signature = await viewer.signMessage({ message });
      expect(await config.verifyMessage({ message, signature })).toBe(false);
      await expect(siwx.addSession({ data, message, signature })).rejects.toThrow("Failed to verify message");
      expect(refusals).toEqual(["signature_mismatch", "signature_mismatch"]);
      expect(await config.getSession()).toBeNull();
    });

    it("S1: a session revoked at Sigil (another tab's sign-out) reads as null in getSession", async () => {
      const sdk = client();
      const config = sigilSiweConfig(sdk, SITE);
      const nonce = await config.getNonce();
      const message = config.createMessage({
        nonce,
        address: `did:pkh:${CAIP_CHAIN}:${trader.address}`,
        chainId: 31337,
        domain: SITE.domain,
        uri: SITE.uri,
        version: "1",
      });
      expect(await config.verifyMessage({ message, signature: await trader.signMessage({ message }) })).toBe(
        true,
      );
      const { accessToken } = (await sdk.session())!;
      const logout = await fetch(`${baseUrl}/v1/auth/logout`, {
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(logout.status).toBe(204);
      expect(await config.getSession()).toBeNull();
      expect(await sdk.session()).toBeUndefined();
    });
  });

  it("S1: the adapters type-check against RainbowKit's and AppKit's own types, resolved as a bundler does", () => {
    expect(kitTypeErrors()).toEqual([]);
  });
});
