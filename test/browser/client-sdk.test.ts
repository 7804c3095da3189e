// @sigil/client against the real auth-api (in-process Nest app on a real port, local Hardhat
// chain, PGlite or TEST_DATABASE_URL): sign-in with every wallet kind, refresh, retry, sign-out.
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { createSigilClient, isSigilClientError, memoryStorage, type SigilClient } from "@sigil/client";
import { createWalletClient, http } from "viem";
import { hardhat } from "viem/chains";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { deployFactories, deployWallet, predictWallet, wrap6492 } from "../siwe/support/wallets.js";
import { createTestWallet } from "./support/test-wallet.js";

const trader = devAccount(DevAccountIndex.trader);
const viewer = devAccount(DevAccountIndex.viewer);
const TRADER_SCOPES = ["orders:read", "orders:write", "positions:read"];

/** `fetch` that records each call's method and path (the real fetch does the work). */
function recordingFetch() {
  const calls: string[] = [];
  const fetchAndRecord: typeof fetch = (input, init) => {
    calls.push(`${init?.method ?? "GET"} ${new URL(String(input)).pathname}`);
    return fetch(input, init);
  };
  return { calls, fetch: fetchAndRecord };
}

async function caught(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("@sigil/client (browser SDK) against the real auth-api", () => {
  let sigil: SigilTestEnvironment;
  let baseUrl: string;
  const clients: SigilClient[] = [];
  const client = (options: Partial<Parameters<typeof createSigilClient>[0]> = {}) => {
    const created = createSigilClient({ baseUrl, ...options });
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    sigil = await startSigil();
    await sigil.app.listen(0, "127.0.0.1");
    baseUrl = (await sigil.app.getUrl()).replace("[::1]", "127.0.0.1");
  });
  afterAll(async () => {
    for (const c of clients) c.dispose();
    await sigil?.close();
  });

  it("signs in through an injected EIP-1193 wallet (personal_sign) and reads roles, scopes and block", async () => {
    const wallet = createTestWallet(trader);
    const sdk = client();
    const session = await sdk.signIn({ provider: wallet, chainId: 31337 });
    expect(wallet.calls).toEqual(["eth_requestAccounts", "eth_chainId", "personal_sign"]);
    expect(session.scope.sort()).toEqual(TRADER_SCOPES);
    expect(session.sub).toBe(`eip155:31337:${trader.address}`);

    const me = await sdk.me();
    expect(me).toMatchObject({ address: trader.address, roles: ["TRADER"], sessionId: session.sessionId });
    expect(me.rolesCheckedAt?.blockNumber).toMatch(/^\d+$/);
    const sessions = await sdk.sessions();
    expect(sessions.find((s) => s.id === session.sessionId)).toMatchObject({
      current: true,
      walletKind: "eoa",
    });
    expect((await sdk.grants())[0]).toMatchObject({ sessionId: session.sessionId, method: "siwe" });
  });

  it("signs in with a viem wallet client and asks only for the requested scopes", async () => {
    const walletClient = createWalletClient({
      account: viewer,
      chain: hardhat,
      transport: http(sigil.chain.url),
    });
    const session = await client().signIn({ walletClient, scope: ["positions:read", "orders:write"] });
    // Requested ∩ what the VIEWER role confers.
    expect(session.scope).toEqual(["positions:read"]);
  });

  it("A7: signs in as a deployed EIP-1271 wallet and as an undeployed ERC-6492 wallet", async () => {
    const { factory } = await deployFactories(sigil.chain);
    const deployed = await deployWallet(sigil.chain, factory, DevAccountIndex.trader, "sdk-1271");
    const sdk1271 = client();
    await sdk1271.signIn({ provider: createTestWallet(trader, { address: deployed }) });
    expect((await sdk1271.sessions()).find((s) => s.current)?.walletKind).toBe("eip1271");
    expect((await sdk1271.me()).address).toBe(deployed);

    const counterfactual = await predictWallet(sigil.chain, factory, DevAccountIndex.trader, "sdk-6492");
    const wrap = (signature: `0x${string}`) =>
      wrap6492(factory, DevAccountIndex.trader, "sdk-6492", signature);
    const sdk6492 = client();
    await sdk6492.signIn({ provider: createTestWallet(trader, { address: counterfactual, wrap }) });
    expect((await sdk6492.sessions()).find((s) => s.current)?.walletKind).toBe("eip6492");
  });

  it("A3: a wallet on another chain is stopped before any challenge (wrong_chain); an unconfigured chain is refused by Sigil", async () => {
    const recorder = recordingFetch();
    const wallet = createTestWallet(trader, { chainId: 1 });
    const error = await caught(
      client({ fetch: recorder.fetch }).signIn({ provider: wallet, chainId: 31337 }),
    );
    expect(isSigilClientError(error, "wrong_chain")).toBe(true);
    expect((error as Error).message).toContain("chain 1");
    expect(recorder.calls).toEqual([]);

    const onChainOne = await caught(client().signIn({ provider: wallet }));
    expect(onChainOne).toMatchObject({ code: "chain_not_configured", status: 400 });
  });

  it("a declined signature is signature_rejected and leaves no session", async () => {
    const sdk = client();
    const error = await caught(
      sdk.signIn({ provider: createTestWallet(trader, { rejectSignatures: true }) }),
    );
    expect(error).toMatchObject({ name: "SigilClientError", code: "signature_rejected" });
    expect(await sdk.session()).toBeUndefined();
    await expect(sdk.me()).rejects.toMatchObject({ code: "not_signed_in" });
  });

  it("refreshes before expiry: on a timer, and when a token is needed inside the leeway", async () => {
    // Access tokens live 600 s here: a leeway of 599 s puts the timer one second away.
    const changes: string[] = [];
    const timed = client({ refreshLeewaySeconds: 599 });
    timed.onChange((tokens) => changes.push(tokens?.accessToken ?? "signed out"));
    const first = await timed.signIn({ provider: createTestWallet(trader) });
    const deadline = Date.now() + 10_000;
    while (changes.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(changes).toHaveLength(2);
    expect(changes[1]).not.toBe(first.accessToken);
    expect((await timed.session())!.refreshToken).not.toBe(first.refreshToken);

    let clock = Date.now();
    const recorder = recordingFetch();
    const lazy = client({ autoRefresh: false, fetch: recorder.fetch, now: () => clock });
    const signedIn = await lazy.signIn({ provider: createTestWallet(trader) });
    expect(await lazy.getAccessToken()).toBe(signedIn.accessToken);
    clock = signedIn.expiresAt - 30_000; // inside the default 60 s leeway
    const renewed = await lazy.getAccessToken();
    expect(renewed).not.toBe(signedIn.accessToken);
    expect(recorder.calls.filter((call) => call === "POST /v1/auth/refresh")).toHaveLength(1);
  });

  it("B6: concurrent refreshes share one request (single flight), so the rotation never looks like reuse", async () => {
    const recorder = recordingFetch();
    const sdk = client({ autoRefresh: false, fetch: recorder.fetch });
    await sdk.signIn({ provider: createTestWallet(trader) });
    const results = await Promise.all([sdk.refresh(), sdk.refresh(), sdk.refresh()]);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
    expect(recorder.calls.filter((call) => call === "POST /v1/auth/refresh")).toHaveLength(1);
    // The rotated token still works, so the server saw no reuse.
    expect((await sdk.refresh()).sessionId).toBe(results[0]!.sessionId);
  });

  it("retries once after a 401: refreshes, then repeats the call with the new token", async () => {
    const storage = memoryStorage();
    const recorder = recordingFetch();
    const sdk = client({ autoRefresh: false, storage, fetch: recorder.fetch });
    const session = await sdk.signIn({ provider: createTestWallet(trader) });
    // The access token is refused (as after a key rotation); the refresh token is still good.
    await storage.set({ ...session, accessToken: `${session.accessToken.slice(0, -4)}AAAA` });
    recorder.calls.length = 0;
    expect((await sdk.me()).sessionId).toBe(session.sessionId);
    expect(recorder.calls).toEqual(["GET /v1/me", "POST /v1/auth/refresh", "GET /v1/me"]);

    // sdk.fetch does the same for resource servers: here Sigil's own /v1/me stands in for one.
    await storage.set({ ...(await storage.get())!, accessToken: "not-a-token" });
    const response = await sdk.fetch(`${baseUrl}/v1/me`);
    expect(response.status).toBe(200);
  });

  it("signs out: the session ends at Sigil, tokens are forgotten, listeners hear it", async () => {
    const sdk = client();
    const session = await sdk.signIn({ provider: createTestWallet(trader) });
    const heard: unknown[] = [];
    sdk.onChange((tokens) => heard.push(tokens));
    await sdk.signOut();
    expect(heard).toEqual([undefined]);
    expect(await sdk.session()).toBeUndefined();
    const me = await fetch(`${baseUrl}/v1/me`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    expect(me.status).toBe(401);
    const refresh = await fetch(`${baseUrl}/v1/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: session.refreshToken }),
    });
    expect(refresh.status).toBe(400);
  });

  it("a session revoked elsewhere: the refused refresh signs the client out with Sigil's code", async () => {
    const sdk = client({ autoRefresh: false });
    const session = await sdk.signIn({ provider: createTestWallet(trader) });
    const other = client();
    await other.signIn({ provider: createTestWallet(trader) });
    await other.revokeSession(session.sessionId);
    const error = await caught(sdk.me());
    expect(error).toMatchObject({ code: "invalid_grant", status: 400 });
    expect(await sdk.session()).toBeUndefined();
  });

  it("A12: a rate-limited sign-in is rate_limited with the server's Retry-After", async () => {
    const limited = await sigil.createInstance({ SIGIL_AUTH_RATE_LIMIT_ADDRESS: "1" });
    await limited.listen(0, "127.0.0.1");
    const sdk = client({ baseUrl: (await limited.getUrl()).replace("[::1]", "127.0.0.1") });
    await sdk.signIn({ provider: createTestWallet(viewer) });
    const error = await caught(sdk.signIn({ provider: createTestWallet(viewer) }));
    expect(error).toMatchObject({ code: "rate_limited", status: 429 });
    expect((error as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
  });
});
