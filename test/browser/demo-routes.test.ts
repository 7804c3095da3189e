// The demo page's routes on the real auth-api: mounted only when configured, public by an explicit
// policy, and the dev wallet's keys only in development on the dev chain.
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { ROUTE_POLICY } from "../../apps/auth-api/src/platform/http/route-policy.js";
import { DemoController } from "../../apps/auth-api/src/demo/demo.controller.js";
import { devWalletAccounts } from "../../apps/auth-api/src/demo/dev-wallet-accounts.js";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";

describe("demo page routes", () => {
  let sigil: SigilTestEnvironment;

  beforeAll(async () => {
    sigil = await startSigil();
  });
  afterAll(() => sigil?.close());

  it("are not mounted unless configured (SIGIL_ENV=test here; production likewise defaults off)", async () => {
    for (const path of ["/", "/demo/config", "/demo/app.js"]) {
      const response = await request(sigil.app.getHttpServer()).get(path);
      expect([path, response.status, response.body.error]).toEqual([path, 404, "not_found"]);
    }
  });

  it("C1: every demo route declares the public policy explicitly", () => {
    const handlers = ["page", "script", "settings"] as const;
    for (const name of handlers) {
      expect(Reflect.getMetadata(ROUTE_POLICY, DemoController.prototype[name])).toEqual({ kind: "public" });
    }
  });

  it("with SIGIL_DEMO_PAGE=true: the page with a strict CSP, its settings, and no dev keys outside development", async () => {
    const app = await sigil.createInstance({
      SIGIL_DEMO_PAGE: "true",
      SIGIL_DEMO_VENUE_URL: "http://127.0.0.1:3901",
    });
    const page = await request(app.getHttpServer()).get("/").expect(200);
    expect(page.text).toContain('<script src="/demo/app.js" type="module"></script>');
    expect(page.headers["content-security-policy"]).toContain("script-src 'self';");
    expect(page.headers["content-security-policy"]).toContain("connect-src 'self' http://127.0.0.1:3901;");
    const settings = await request(app.getHttpServer()).get("/demo/config").expect(200);
    expect(settings.body).toEqual({ chainId: 31337, venueUrl: "http://127.0.0.1:3901", devAccounts: [] });
    // Run from source, the bundle is not next to the controller: the answer says how to build it.
    const script = await request(app.getHttpServer()).get("/demo/app.js").expect(404);
    expect(script.body.message).toContain("npm run build");
  });

  it("in development on the dev chain, the dev wallet gets Hardhat's public accounts 0-3", async () => {
    const app = await sigil.createInstance({ SIGIL_ENV: "development" });
    const { body } = await request(app.getHttpServer()).get("/demo/config").expect(200);
    expect(body.devAccounts.map((a: { address: string }) => a.address)).toEqual(
      [0, 1, 2, 3].map((i) => devAccount(i).address),
    );
    expect(body.devAccounts[DevAccountIndex.trader]).toMatchObject({
      label: "trader",
      privateKey: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
  });

  it("never hands out the dev keys in test or production, or when the dev chain is not configured", () => {
    expect(devWalletAccounts({ env: "production", chainIds: [31337] })).toEqual([]);
    expect(devWalletAccounts({ env: "test", chainIds: [31337] })).toEqual([]);
    expect(devWalletAccounts({ env: "development", chainIds: [1] })).toEqual([]);
    expect(devWalletAccounts({ env: "development", chainIds: [1, 31337] })).toHaveLength(4);
  });
});
