// The demo page in a real browser: `npm start`'s dev mode driven by headless Chromium, with an
// injected EIP-1193 wallet whose keys stay in Node. Screenshots: test-artifacts/browser/.
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureChromium } from "./support/chromium.js";
import { injectWallet } from "./support/inject-wallet.js";
import { type DevMode, startDevMode } from "./support/dev-mode.js";
import { createTestWallet, type TestWallet } from "./support/test-wallet.js";

const root = path.resolve(import.meta.dirname, "..", "..");
const artifacts = path.join(root, "test-artifacts", "browser");
const skipReason = ensureChromium();
if (skipReason) console.warn(`browser e2e skipped: ${skipReason}`);
const describeInBrowser = skipReason ? describe.skip : describe;

/** What the page's `window.ethereum.request` resolves to: the wallet's answer or its EIP-1193 error. */

describeInBrowser("demo page in Chromium against dev mode (npm start)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "sigil-browser-"));
  let dev: DevMode;
  let browser: Browser;
  let page: Page;
  let wallet: TestWallet = createTestWallet(devAccount(DevAccountIndex.trader));
  const issuedTokens: string[] = [];
  const requestUrls: string[] = [];
  const pageErrors: string[] = [];
  let step = 0;
  const screenshot = async (name: string) => {
    step += 1;
    await page.screenshot({
      path: path.join(artifacts, `${String(step).padStart(2, "0")}-${name}.png`),
      fullPage: true,
    });
  };
  /** Clicks "Sign in" and waits for the outcome; resolves with the error shown, "" when none. */
  const signIn = async () => {
    await page.click("#sign-in");
    await page.waitForFunction(() => {
      const status = document.getElementById("status")!.textContent!;
      return status !== "" && !status.startsWith("Waiting");
    });
    return (await page.isHidden("#error")) ? "" : await page.textContent("#error");
  };
  const callVenue = async () => {
    await page.evaluate(() => delete document.getElementById("venue-result")!.dataset.status);
    await page.click("#call-venue");
    await page.waitForSelector("#venue-result[data-status]");
    return page.getAttribute("#venue-result", "data-status");
  };

  beforeAll(async () => {
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    execFileSync(process.execPath, [path.join(root, "scripts", "build.mjs")], { stdio: "ignore" });
    dev = await startDevMode(dataDir);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("request", (request) => requestUrls.push(request.url()));
    page.on("response", async (response) => {
      if (/\/v1\/auth\/(login|refresh)$/.test(response.url()) && response.ok()) {
        issuedTokens.push(((await response.json()) as { access_token: string }).access_token);
      }
    });
    // The injected wallet: the page sees a plain EIP-1193 provider; signing happens in Node.
    await injectWallet(page, () => wallet);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("B7: trader signs in → roles and scopes shown → venue call → session revoked → venue refuses", async () => {
    expect(dev.output()).toContain(`demo       ${dev.apiUrl}/`);
    await page.goto(`${dev.apiUrl}/`);
    await page.waitForSelector("body[data-ready=true]");
    expect(await page.textContent("#wallet-kind")).toContain("injected");
    await screenshot("page-before-sign-in");

    expect(await signIn()).toBe("");
    await page.waitForSelector("#identity:not([hidden])");
    expect(await page.textContent("#address")).toBe(devAccount(DevAccountIndex.trader).address);
    expect(await page.textContent("#roles")).toBe("TRADER");
    const scopes = await page.$$eval("#scopes .tag", (tags) => tags.map((tag) => tag.textContent));
    expect(scopes.sort()).toEqual(["orders:read", "orders:write", "positions:read"]);
    expect(await page.textContent("#block")).toMatch(/^chain 31337, block \d+ \(0x[0-9a-f]{64}\)$/);
    // P7: each scope names its rule and source, read on the same block as the roles.
    const block = /block (\d+)/.exec((await page.textContent("#block"))!)![1];
    const sources = await page.$$eval("#scope-sources [data-scope]", (rows) =>
      rows.map((row) => [row.getAttribute("data-scope"), row.textContent]),
    );
    expect(sources.map(([scope]) => scope).sort()).toEqual(["orders:read", "orders:write", "positions:read"]);
    // The dev policy (apps/cli/src/dev/write-dev-policy.ts): each scope from its own rule and sources.
    const expected: Record<string, [string, string[]]> = {
      "orders:read": ["registry-reads", ["registry (sigil-registry)"]],
      "orders:write": ["kyc-traders", ["registry (sigil-registry)", "kyc (eas)"]],
      "positions:read": ["pass-holders", ["pass (erc721)"]],
    };
    for (const [scope, line] of sources) {
      const [rule, from] = expected[scope!]!;
      expect(line).toBe(
        `${scope} rule ${rule}: ${from.map((source) => `${source} chain 31337, block ${block}`).join(", ")}`,
      );
    }
    expect(await page.$$("#sessions tr")).toHaveLength(1);
    expect(await page.textContent("#grants")).toContain("siwe");
    await screenshot("signed-in-trader-roles-and-scopes");

    expect(await callVenue()).toBe("200");
    expect(await page.textContent("#venue-result")).toContain("positions");
    await screenshot("venue-call-accepted");

    await page.click("#sessions tr:has-text('(this one)') button.revoke");
    await page.waitForFunction(() => document.getElementById("status")!.textContent!.includes("revoked"));
    // The venue learns of revocations from Sigil's feed, polled every second.
    const deadline = Date.now() + 10_000;
    let status = await callVenue();
    while (status === "200" && Date.now() < deadline) {
      await page.waitForTimeout(300);
      status = await callVenue();
    }
    expect(status).toBe("401");
    expect(await page.textContent("#status")).toContain("session ended");
    await screenshot("venue-call-refused-after-revoke");
  }, 120_000);

  it("clear messages: a declined signature and a wallet on the wrong chain", async () => {
    wallet.behaviour.rejectSignatures = true;
    await signIn();
    expect(await page.getAttribute("#error", "data-code")).toBe("signature_rejected");
    expect(await page.textContent("#error")).toContain("You declined the signature");
    await screenshot("error-signature-rejected");

    wallet.behaviour.rejectSignatures = false;
    wallet.behaviour.chainId = 1;
    await signIn();
    expect(await page.getAttribute("#error", "data-code")).toBe("wrong_chain");
    expect(await page.textContent("#error")).toMatch(/Wrong network: .*chain 1.*chain 31337/);
    await screenshot("error-wrong-chain");
  }, 60_000);

  it("account 3 (no role) signs in and is shown no privileged scope", async () => {
    wallet = createTestWallet(devAccount(DevAccountIndex.noRole));
    expect(await signIn()).toBe("");
    await page.waitForFunction(
      (address) => document.getElementById("address")!.textContent === address,
      devAccount(DevAccountIndex.noRole).address,
    );
    expect(await page.isHidden("#error")).toBe(true);
    expect(await page.textContent("#roles")).toBe("—");
    expect(await page.$$("#scopes .tag")).toHaveLength(0);
    expect(await page.textContent("#scopes")).toBe("—");
    expect(await callVenue()).toBe("403");
    await screenshot("signed-in-no-role-no-scopes");
  }, 60_000);

  it("without an injected wallet, the dev wallet (Hardhat's public keys, dev chain only) signs in", async () => {
    const plain = await browser.newPage();
    try {
      await plain.goto(`${dev.apiUrl}/`);
      await plain.waitForSelector("body[data-ready=true]");
      expect(await plain.textContent("#wallet-kind")).toContain("dev wallet");
      await plain.selectOption("#dev-account", String(DevAccountIndex.viewer));
      await plain.click("#sign-in");
      await plain.waitForSelector("#identity:not([hidden])");
      expect(await plain.textContent("#address")).toBe(devAccount(DevAccountIndex.viewer).address);
      expect(await plain.textContent("#roles")).toBe("VIEWER");
      expect(await plain.textContent("#scopes")).toBe("positions:read");
      await plain.screenshot({ path: path.join(artifacts, "08-dev-wallet-viewer.png"), fullPage: true });
    } finally {
      await plain.close();
    }
  }, 60_000);

  it("B11: no access token ever appears in a URL, and the page raised no script error", () => {
    expect(issuedTokens.length).toBeGreaterThanOrEqual(2);
    for (const token of issuedTokens) {
      expect(requestUrls.filter((url) => url.includes(token) || url.includes(token.split(".")[2]!))).toEqual(
        [],
      );
    }
    expect(pageErrors).toEqual([]);
  });
});
