// Sigil's packages as a venue gets them: built, packed with npm, installed from the tarballs into
// throw-away apps outside the repository, and run there against a live Sigil (V2).
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { createSessionKey, exportSessionKey, ownerApi, signDelegation } from "@sigil/client/node";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureChromium } from "../browser/support/chromium.js";
import { injectWallet } from "../browser/support/inject-wallet.js";
import { createTestWallet } from "../browser/support/test-wallet.js";
import { type SigilTestEnvironment, signIn, startSigil, VENUE_CLIENT } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import {
  installApp,
  packPackages,
  REPO_ROOT,
  type RunningServer,
  spawnApp,
  startServer,
  type ThrowawayApp,
} from "./support/throwaway-app.js";

const trader = devAccount(DevAccountIndex.trader);
const viewer = devAccount(DevAccountIndex.viewer);
const repoPackage = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** The version range the repository itself uses for a third-party package. */
const sameAsRepo = (name: string) => repoPackage.dependencies[name] ?? repoPackage.devDependencies[name]!;
const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;
const chromiumMissing = ensureChromium();
// .ci/run sets it for its real-PostgreSQL pass: the subject here is the tarballs, and the embedded
// pass runs this suite already (about 110 s of packing and installing each time).
const alreadyRunInThisCi = process.env.SIGIL_CI_PACKAGES_ONCE === "1";

(alreadyRunInThisCi ? describe.skip : describe)("V2: packages installed from their tarballs", () => {
  const packs = mkdtempSync(path.join(tmpdir(), "sigil-packs-"));
  const apps: ThrowawayApp[] = [];
  let tarballs: Record<string, string>;
  let sigil: SigilTestEnvironment;
  let sigilUrl: string;
  const venues: Record<string, RunningServer> = {};
  let venueEnv: Record<string, string>;
  let bot: ThrowawayApp;
  let browserApp: ThrowawayApp;

  beforeAll(async () => {
    tarballs = await packPackages(packs);
    const file = (name: string) => `file:${tarballs[name]}`;
    const [nest, expressApp, fastifyApp, botApp, browser] = await Promise.all([
      installApp("nest-venue", {
        "@sigil/guard": file("@sigil/guard"),
        "@sigil/verify": file("@sigil/verify"),
        "@nestjs/common": sameAsRepo("@nestjs/common"),
        "@nestjs/core": sameAsRepo("@nestjs/core"),
        "@nestjs/platform-express": sameAsRepo("@nestjs/platform-express"),
        "reflect-metadata": sameAsRepo("reflect-metadata"),
        rxjs: sameAsRepo("rxjs"),
      }),
      // Each venue installs its own framework only: the other optional peers stay absent.
      installApp("express-venue", { "@sigil/verify": file("@sigil/verify"), express: sameAsRepo("express") }),
      installApp("fastify-venue", { "@sigil/verify": file("@sigil/verify"), fastify: sameAsRepo("fastify") }),
      installApp("bot", { "@sigil/client": file("@sigil/client") }),
      // viem: the optional peer the wallet-kit entries build their EIP-4361 messages with.
      installApp(
        "browser",
        { "@sigil/client": file("@sigil/client"), viem: sameAsRepo("viem") },
        { esbuild: sameAsRepo("esbuild") },
      ),
    ]);
    apps.push(nest, expressApp, fastifyApp, botApp, browser);
    bot = botApp;
    browserApp = browser;
    // The browser build: esbuild refuses a Node built-in on platform=browser, so this also proves there is none.
    execFileSync(
      path.join(browser.dir, "node_modules", ".bin", "esbuild"),
      [
        "entry.js",
        "--bundle",
        "--format=esm",
        "--platform=browser",
        "--outfile=bundle.js",
        "--log-level=error",
      ],
      { cwd: browser.dir },
    );

    sigil = await startSigil();
    await sigil.app.listen(0, "127.0.0.1");
    sigilUrl = (await sigil.app.getUrl()).replace("[::1]", "127.0.0.1");
    venueEnv = {
      SIGIL_URL: sigilUrl,
      SIGIL_ISSUER: sigil.env.SIGIL_ISSUER!,
      SIGIL_AUDIENCE: "urn:sigil:venue",
      VENUE_CLIENT_ID: VENUE_CLIENT.id,
      VENUE_CLIENT_SECRET: VENUE_CLIENT.secret,
    };
    for (const [name, app] of [
      ["NestJS", nest],
      ["Express", expressApp],
      ["Fastify", fastifyApp],
    ] as const)
      venues[name] = await startServer(app, "main.mjs", venueEnv);
  }, 600_000);

  afterAll(async () => {
    for (const venue of Object.values(venues)) await venue.stop();
    await sigil?.close();
    for (const app of apps) app.remove();
    rmSync(packs, { recursive: true, force: true });
  });

  const login = async (account = trader) => {
    const response = await signIn({ app: sigil.app, account });
    expect(response.status).toBe(200);
    return response.body as { access_token: string; session_id: string };
  };
  const get = (url: string, token?: string) =>
    fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  const logout = async (token: string) =>
    expect(
      (
        await fetch(`${sigilUrl}/v1/auth/logout`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBe(204);

  it("V2: each tarball holds only dist, README, CHANGELOG, licence and a complete package.json", () => {
    for (const [name, tarball] of Object.entries(tarballs)) {
      const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n").sort();
      expect({
        name,
        strays: files.filter(
          (f) =>
            !/^package\/(dist\/[\w.-]+\.(js|d\.ts)|package\.json|README\.md|CHANGELOG\.md|LICENSE)$/.test(f),
        ),
      }).toEqual({ name, strays: [] });
      for (const needed of [
        "package/README.md",
        "package/CHANGELOG.md",
        "package/LICENSE",
        "package/package.json",
      ])
        expect({ name, has: files.includes(needed) }).toEqual({ name, has: true });
      const dist = execFileSync("tar", ["-xzOf", tarball, "--wildcards", "package/dist/*"], {
        encoding: "utf8",
      });
      // No source map, no absolute path of the machine that built it, no key material.
      expect(dist).not.toMatch(/sourceMappingURL|\/(work|tmp|home|root)\/|PRIVATE KEY/);
      const manifest = JSON.parse(
        execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }),
      );
      expect(manifest).toMatchObject({
        name,
        license: "MIT",
        type: "module",
        files: expect.arrayContaining(["dist"]),
      });
      expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
      for (const entry of Object.values(manifest.exports as Record<string, unknown>)) {
        if (typeof entry === "string") continue;
        expect(entry).toEqual({
          types: expect.stringMatching(/^\.\/dist\/.+\.d\.ts$/),
          import: expect.stringMatching(/^\.\/dist\/.+\.js$/),
        });
      }
    }
  });

  it.each([
    ["NestJS", "@sigil/guard"],
    ["Express", "@sigil/verify/express"],
    ["Fastify", "@sigil/verify/fastify"],
  ])(
    "V2: a %s venue with %s admits a wallet token, checks scopes, and refuses it after logout",
    async (name) => {
      const venue = venues[name]!;
      const session = await login();
      const orders = await get(`${venue.url}/orders`, session.access_token);
      expect(orders.status).toBe(200);
      expect(await orders.json()).toEqual({
        address: trader.address,
        scopes: ["orders:read", "orders:write", "positions:read"],
      });
      expect((await get(`${venue.url}/orders/health`)).status).toBe(200);
      const anonymous = await get(`${venue.url}/orders`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toBe('Bearer, DPoP algs="ES256 ES256K EdDSA"');
      const viewerOrders = await get(`${venue.url}/orders`, (await login(viewer)).access_token);
      expect(viewerOrders.status).toBe(403);
      expect(viewerOrders.headers.get("www-authenticate")).toBe(
        'Bearer error="insufficient_scope", scope="orders:read"',
      );

      await logout(session.access_token);
      await waitFor(async () => (await get(`${venue.url}/orders`, session.access_token)).status === 401, {
        timeoutMs: 5_000,
        everyMs: 50,
      });
      expect(await (await get(`${venue.url}/orders`, session.access_token)).json()).toMatchObject({
        error: "invalid_token",
      });
    },
  );

  it("V2: a Node bot with @sigil/client/node calls the Express venue through an API key and a delegated key (DPoP); both end on revocation", async () => {
    const owner = ownerApi({ baseUrl: sigilUrl, accessToken: (await login()).access_token });
    const key = await owner.createApiKey({
      alg: "hmac-sha256",
      scopes: ["orders:read"],
      expiresAt: inSeconds(3600),
    });
    const sessionKey = createSessionKey("secp256k1");
    const delegation = await owner.createDelegation(
      await signDelegation({
        owner: trader,
        sessionKey,
        terms: { scopes: ["orders:read"], expiresAt: inSeconds(3600), chainId: 31337 },
      }),
    );
    const running = spawnApp(bot, "main.mjs", {
      SIGIL_URL: sigilUrl,
      SIGIL_ISSUER: sigil.env.SIGIL_ISSUER!,
      VENUE_URL: venues.Express!.url,
      API_KEY_ID: key.id,
      API_KEY_SECRET: key.secret!,
      DELEGATION_ID: delegation.id,
      SESSION_KEY: exportSessionKey(sessionKey),
    });
    type Round = Record<
      "apiKey" | "delegation",
      { status?: number; body?: { scopes: string[] }; error?: string }
    >;
    try {
      const first = await running.next<Round>();
      expect(first.apiKey).toEqual({
        status: 200,
        body: { address: trader.address, scopes: ["orders:read"] },
      });
      expect(first.delegation).toEqual({
        status: 200,
        body: { address: trader.address, scopes: ["orders:read"] },
      });

      await owner.revokeApiKey(key.id);
      await owner.revokeDelegation(delegation.id);
      let last: Round | undefined;
      await waitFor(
        async () => {
          running.send("again");
          last = await running.next<Round>();
          return last.apiKey.status !== 200 && last.delegation.status !== 200;
        },
        { timeoutMs: 10_000, everyMs: 200 },
      );
      // Each bot's session ended at the venue (401), so it asked Sigil again and was refused there.
      expect(last).toEqual({
        apiKey: { error: "request_signature_invalid" },
        delegation: { error: "delegation_inactive" },
      });
    } finally {
      await running.stop();
    }
  });

  (chromiumMissing ? it.skip : it)(
    "V2: a browser bundle of @sigil/client (esbuild) signs in with an injected wallet in Chromium, directly and through the RainbowKit and AppKit adapters; its tokens work at the Fastify venue until sign-out",
    async () => {
      const browser: Browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      try {
        const page = await browser.newPage();
        const pageErrors: string[] = [];
        page.on("pageerror", (error) => pageErrors.push(error.message));
        const wallet = createTestWallet(trader);
        await injectWallet(page, () => wallet);
        // Served on Sigil's own origin (as a venue would proxy it), so no CORS setting is involved.
        await page.route(`${sigilUrl}/consumer/*`, (route) => {
          const name = new URL(route.request().url()).pathname.split("/").pop()!;
          const type = name.endsWith(".js") ? "text/javascript" : "text/html";
          return route.fulfill({ contentType: type, body: readFileSync(path.join(browserApp.dir, name)) });
        });
        await page.goto(`${sigilUrl}/consumer/index.html`);
        await page.waitForSelector("body[data-ready=true]", { state: "attached" });
        const signedIn = await page.evaluate(
          (base) =>
            (
              window as unknown as {
                consumer: {
                  signIn(b: string): Promise<{ scope: string[]; address: string; accessToken: string }>;
                };
              }
            ).consumer.signIn(base),
          sigilUrl,
        );
        expect(signedIn.address).toBe(trader.address);
        expect([...signedIn.scope].sort()).toEqual(["orders:read", "orders:write", "positions:read"]);
        expect(wallet.calls).toEqual(["eth_requestAccounts", "eth_chainId", "personal_sign"]);
        expect((await get(`${venues.Fastify!.url}/orders`, signedIn.accessToken)).status).toBe(200);

        const after = await page.evaluate(
          (token) =>
            (
              window as unknown as {
                consumer: { signOutThenMe(t: string): Promise<{ status: number; error: string }> };
              }
            ).consumer.signOutThenMe(token),
          signedIn.accessToken,
        );
        expect(after).toEqual({ status: 401, error: "invalid_token" });
        await waitFor(
          async () => (await get(`${venues.Fastify!.url}/orders`, signedIn.accessToken)).status === 401,
          { timeoutMs: 5_000, everyMs: 50 },
        );

        // The wallet-kit adapters, called in the order each kit calls them (the page's origin is not
        // the test Sigil's SIWE domain, so both get it as an option, as a venue's app would).
        const site = { domain: "sigil.test", uri: "http://sigil.test" };
        type KitRun = { verified: boolean; accessToken: string; afterSignOut: unknown };
        const consumer = (method: "rainbowKit" | "appKit") =>
          page.evaluate(
            ([name, base, where]) =>
              (window as unknown as { consumer: Record<string, (b: string, s: unknown) => Promise<KitRun>> })
                .consumer[name as string]!(base as string, where),
            [method, sigilUrl, site] as const,
          );
        const rainbow = (await consumer("rainbowKit")) as KitRun & { address: string };
        expect(rainbow).toMatchObject({ verified: true, address: trader.address });
        expect(rainbow.afterSignOut).toBeUndefined();
        const appKit = (await consumer("appKit")) as KitRun & { session: unknown };
        expect(appKit).toMatchObject({
          verified: true,
          session: { address: trader.address, chainId: 31337 },
        });
        expect(appKit.afterSignOut).toBeNull();
        for (const { accessToken } of [rainbow, appKit]) {
          await waitFor(
            async () => (await get(`${venues.Fastify!.url}/orders`, accessToken)).status === 401,
            {
              timeoutMs: 5_000,
              everyMs: 50,
            },
          );
        }
        expect(pageErrors).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );
});
