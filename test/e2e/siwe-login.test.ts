// Sign-In with Ethereum through HTTP against real Postgres (or PGlite) and a local chain:
// SECURITY-TESTS A1-A9 and A12, every wallet kind, scope narrowing, D1 and G1.
import { smartWalletAbi } from "@sigil/chain/dev";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import type { SiweMessageFields } from "@sigil/siwe";
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { startRecordingProxy, startSilentServer } from "../siwe/support/rpc-proxy.js";
import { deployFactories, deployWallet, predictWallet, wrap6492 } from "../siwe/support/wallets.js";
import { withChainSnapshot } from "./support/chain-state.js";
import { type Api, bearer, listen } from "./support/http.js";
import { captureOutput } from "./support/output.js";
import { sessionRow } from "./support/rows.js";
import {
  bareNonce,
  CHAIN_ID,
  challengeFor,
  expectError,
  login,
  signInFor,
  siweMessage,
  type Tokens,
  tokensFor,
} from "./support/siwe.js";

const trader = devAccount(DevAccountIndex.trader);
const viewer = devAccount(DevAccountIndex.viewer);
const noRole = devAccount(DevAccountIndex.noRole);
const TRADER_SCOPES = "orders:read orders:write positions:read";

describe("Sign-In with Ethereum over HTTP", () => {
  let sigil: SigilTestEnvironment;
  let api: Api;
  let factory: Address;
  let reverting: Address;
  let burning: Address;
  let nextLabel = 0;
  const label = () => `e2e-wallet-${nextLabel++}`;

  beforeAll(async () => {
    sigil = await startSigil();
    api = await listen(sigil.app);
    ({ factory, reverting, burning } = await deployFactories(sigil.chain));
  });
  afterAll(() => sigil?.close());

  const count = async (sql: string, parameters: unknown[]) =>
    Number((await sigil.database.dataSource.query(sql, parameters))[0].n);

  /** Signs `message` as the trader with a bare nonce and logs in: the hand-built path of A2-A6. */
  const traderLogin = async (message: string) => login(api, message, await trader.signMessage({ message }));

  /** A message built by the client around a bare nonce, signed by the trader (valid unless changed). */
  const traderMessage = async (fields: Partial<SiweMessageFields>) =>
    siweMessage({ address: trader.address, nonce: await bareNonce(api), ...fields });

  it("a message the client builds around a bare nonce signs in (the baseline every negative case varies)", async () => {
    const response = await traderLogin(await traderMessage({}));
    expect(response.status).toBe(200);
    expect(response.body.scope).toBe(TRADER_SCOPES);
  });

  describe("A1: nonces", () => {
    it("A1: nonces are 128-bit, never repeat, and live at most 10 minutes", async () => {
      const before = Date.now();
      const issued = await Promise.all(
        Array.from({ length: 20 }, () => api.get("/v1/auth/nonce").expect(200)),
      );
      const nonces = issued.map((response) => response.body.nonce as string);
      for (const nonce of nonces) expect(nonce).toMatch(/^[0-9a-f]{32}$/);
      expect(new Set(nonces).size).toBe(nonces.length);
      for (const { body } of issued) {
        const lifetime = Date.parse(body.expiresAt) - before;
        expect(lifetime).toBeGreaterThan(0);
        expect(lifetime).toBeLessThanOrEqual(10 * 60_000 + 1_000);
      }
      expect(issued[0]!.headers["cache-control"]).toBe("no-store");
    });

    it("A1: 50 concurrent logins with one signed message succeed exactly once", async () => {
      const { message } = await challengeFor(api, trader.address);
      const signature = await trader.signMessage({ message });
      const sessionsBefore = await count(`SELECT count(*) AS n FROM sessions WHERE address = $1`, [
        trader.address,
      ]);

      const responses = await Promise.all(Array.from({ length: 50 }, () => login(api, message, signature)));

      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      for (const response of responses.filter((r) => r.status !== 200))
        expectError(response, 401, "nonce_used");
      expect(await count(`SELECT count(*) AS n FROM sessions WHERE address = $1`, [trader.address])).toBe(
        sessionsBefore + 1,
      );
    });
  });

  describe("A1: an EOA whose roles are cached skips the nonce pre-check; the recording statement alone decides", () => {
    // SIGIL_BLOCK_CACHE_MS=60000 keeps the roles cached (the statement alone checks the nonce);
    // 0 never caches them (the nonce is checked before the roles are read).
    for (const [path, blockCacheMs] of [
      ["cached roles, no pre-check", "60000"],
      ["uncached roles, pre-check", "0"],
    ] as const) {
      it(`A1: ${path}: a used, an unknown and an expired nonce, and another wallet's challenge, are each refused with their own 401 and write nothing`, async () => {
        const instance = await listen(await sigil.createInstance({ SIGIL_BLOCK_CACHE_MS: blockCacheMs }));
        const wallet = privateKeyToAccount(generatePrivateKey());
        const signIn = async (message: string) =>
          login(instance, message, await wallet.signMessage({ message }));
        const first = siweMessage({ address: wallet.address, nonce: await bareNonce(instance) });
        expect((await signIn(first)).status).toBe(200);
        const rows = async () =>
          count(
            `SELECT (SELECT count(*) FROM sessions WHERE address = $1)
                  + (SELECT count(*) FROM grants WHERE subject = $2)
                  + (SELECT count(*) FROM audit_events WHERE subject = $2) AS n`,
            [wallet.address, `eip155:${CHAIN_ID}:${wallet.address}`],
          );
        const before = await rows();

        expectError(await signIn(first), 401, "nonce_used");
        expectError(
          await signIn(siweMessage({ address: wallet.address, nonce: "neverIssued12345" })),
          401,
          "nonce_unknown",
        );
        const expired = await bareNonce(instance);
        await sigil.database.dataSource.query(
          `UPDATE nonces SET expires_at = now() - interval '1 second' WHERE nonce = $1`,
          [expired],
        );
        expectError(
          await signIn(siweMessage({ address: wallet.address, nonce: expired })),
          401,
          "nonce_expired",
        );
        const othersChallenge = await challengeFor(instance, viewer.address);
        expectError(
          await signIn(siweMessage({ address: wallet.address, nonce: othersChallenge.nonce })),
          401,
          "challenge_mismatch",
        );
        expect(await rows()).toBe(before);

        // The refused attempt did not consume the other wallet's challenge: its owner still signs in.
        const owned = await login(
          instance,
          othersChallenge.message,
          await viewer.signMessage({ message: othersChallenge.message }),
        );
        expect(owned.status).toBe(200);
      });
    }

    it("A1: with uncached roles, a login with a nonce Sigil never issued makes no RPC call", async () => {
      const proxy = await startRecordingProxy(sigil.chain.url);
      try {
        const instance = await listen(
          await sigil.createInstance({
            SIGIL_BLOCK_CACHE_MS: "0",
            SIGIL_CHAINS: JSON.stringify([
              { chainId: CHAIN_ID, name: "local", rpcUrls: [proxy.url], registry: sigil.stack.registry },
            ]),
          }),
        );
        const wallet = privateKeyToAccount(generatePrivateKey());
        const message = siweMessage({ address: wallet.address, nonce: "neverIssued12345" });
        const callsBefore = proxy.calls.length;
        expectError(
          await login(instance, message, await wallet.signMessage({ message })),
          401,
          "nonce_unknown",
        );
        expect(proxy.calls.slice(callsBefore)).toEqual([]);
      } finally {
        await proxy.close();
      }
    });
  });

  it("A2: a message for another domain or URI is refused with 401, whatever the Host header says", async () => {
    const otherDomain = await traderMessage({ domain: "evil.test", uri: "http://evil.test" });
    const viaHost = await api
      .post("/v1/auth/login")
      .set("Host", "evil.test")
      .send({ message: otherDomain, signature: await trader.signMessage({ message: otherDomain }) });
    expectError(viaHost, 401, "siwe_domain_mismatch");

    expectError(
      await traderLogin(await traderMessage({ uri: "http://evil.test" })),
      401,
      "siwe_uri_mismatch",
    );
    expectError(await traderLogin(await traderMessage({ scheme: "https" })), 401, "siwe_domain_mismatch");
  });

  it("A3: a chain Sigil is not configured for is refused: 401 at login, 400 at challenge", async () => {
    expectError(await traderLogin(await traderMessage({ chainId: 1 })), 401, "siwe_chain_not_allowed");
    const challenge = await api.post("/v1/auth/challenge").send({ address: trader.address, chainId: 1 });
    expectError(challenge, 400, "chain_not_configured");
  });

  it("A4: the version must be exactly 1 and every resource a Sigil scope URN", async () => {
    const version2 = (await traderMessage({})).replace("\nVersion: 1\n", "\nVersion: 2\n");
    expectError(await traderLogin(version2), 401, "siwe_message_invalid");

    const foreign = await traderMessage({ resources: ["https://evil.test/admin"] });
    expectError(await traderLogin(foreign), 401, "siwe_resource_not_allowed");
    const malformedScope = await traderMessage({ resources: ["urn:sigil:scope:Orders:Write"] });
    expectError(await traderLogin(malformedScope), 401, "siwe_resource_not_allowed");

    const scoped = await traderLogin(await traderMessage({ resources: ["urn:sigil:scope:orders:read"] }));
    expect([scoped.status, scoped.body.scope]).toEqual([200, "orders:read"]);
  });

  describe("A5: time", () => {
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

    it("A5: Issued At older than 5 minutes, or more than 30 s ahead, is refused", async () => {
      expectError(
        await traderLogin(await traderMessage({ issuedAt: at(-5 * 60_000 - 10_000) })),
        401,
        "siwe_issued_at_too_old",
      );
      expectError(
        await traderLogin(await traderMessage({ issuedAt: at(45_000) })),
        401,
        "siwe_issued_at_in_future",
      );
      const withinSkew = await traderLogin(await traderMessage({ issuedAt: at(10_000) }));
      expect(withinSkew.status).toBe(200);
    });

    it("A5: Expiration Time and Not Before are each enforced on their own", async () => {
      expectError(
        await traderLogin(await traderMessage({ expirationTime: at(-45_000) })),
        401,
        "siwe_expired",
      );
      expectError(
        await traderLogin(await traderMessage({ notBefore: at(60_000) })),
        401,
        "siwe_not_yet_valid",
      );
      const inWindow = await traderLogin(
        await traderMessage({ notBefore: at(-1_000), expirationTime: at(60_000) }),
      );
      expect(inWindow.status).toBe(200);
    });
  });

  it("A6: trailing data, CRLF, a non-EIP-55 address and a short nonce are 401; over 4 KiB is 413", async () => {
    const base = await traderMessage({});
    expectError(await traderLogin(`${base}\nX-Smuggled: yes`), 401, "siwe_message_invalid");
    expectError(await traderLogin(`${base}\nChain ID: 1`), 401, "siwe_message_invalid");
    expectError(await traderLogin(`${base}\n`), 401, "siwe_message_invalid");

    const crlf = (await traderMessage({})).replace(/\n/g, "\r\n");
    expectError(await traderLogin(crlf), 401, "siwe_message_invalid");

    const lowercase = (await traderMessage({})).replace(trader.address, trader.address.toLowerCase());
    expectError(await traderLogin(lowercase), 401, "siwe_message_invalid");

    const nonce = await bareNonce(api);
    const shortNonce = siweMessage({ address: trader.address, nonce }).replace(
      `Nonce: ${nonce}`,
      "Nonce: abc1234",
    );
    expectError(await traderLogin(shortNonce), 401, "siwe_message_invalid");

    const huge = (await traderMessage({})).replace("Sign in to Sigil", "Sign in to Sigil ".repeat(250));
    expect(Buffer.byteLength(huge)).toBeGreaterThan(4096);
    expectError(await traderLogin(huge), 413, "siwe_message_too_large");
  });

  describe("A7/A8: every kind of signature gets the right answer", () => {
    /** The wallet kind Sigil recorded for the session the tokens belong to. */
    const walletKindOf = async (tokens: Tokens) => {
      const { body } = await api.get("/v1/sessions").set(bearer(tokens.access_token)).expect(200);
      return body.sessions.find((session: { id: string }) => session.id === tokens.session_id)?.walletKind;
    };

    it("A7: an EOA signs in with its own signature (wallet kind eoa)", async () => {
      const tokens = await tokensFor(api, trader);
      expect(tokens.scope).toBe(TRADER_SCOPES);
      expect(await walletKindOf(tokens)).toBe("eoa");
    });

    it("A7: a deployed EIP-1271 wallet signs in through its owner and gets the wallet's roles, not the owner's", async () => {
      const wallet = await deployWallet(sigil.chain, factory, DevAccountIndex.trader, label());
      const response = await signInFor(api, { address: wallet, signer: trader });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ sub: `eip155:${CHAIN_ID}:${wallet}`, scope: "" });
      expect(await walletKindOf(response.body)).toBe("eip1271");
    });

    it("A7: an undeployed wallet signs in with an ERC-6492 signature and stays undeployed", async () => {
      const name = label();
      const wallet = await predictWallet(sigil.chain, factory, DevAccountIndex.trader, name);
      const response = await signInFor(api, {
        address: wallet,
        signer: trader,
        wrap: (signature) => wrap6492(factory, DevAccountIndex.trader, name, signature),
      });
      expect(response.status).toBe(200);
      expect(response.body.sub).toBe(`eip155:${CHAIN_ID}:${wallet}`);
      expect(await walletKindOf(response.body)).toBe("eip6492");
      expect(await sigil.chain.publicClient.getCode({ address: wallet })).toBeUndefined();
    });

    it("A7: a valid signature by a different address is 401 signature_mismatch for an EOA, a 1271 and a 6492 wallet", async () => {
      expectError(
        await signInFor(api, { address: trader.address, signer: noRole }),
        401,
        "signature_mismatch",
      );

      const deployed = await deployWallet(sigil.chain, factory, DevAccountIndex.trader, label());
      expectError(await signInFor(api, { address: deployed, signer: noRole }), 401, "signature_mismatch");

      const name = label();
      const counterfactual = await predictWallet(sigil.chain, factory, DevAccountIndex.trader, name);
      const wrapped = await signInFor(api, {
        address: counterfactual,
        signer: noRole,
        wrap: (signature) => wrap6492(factory, DevAccountIndex.trader, name, signature),
      });
      expectError(wrapped, 401, "signature_mismatch");
    });

    it("A7: an ERC-6492 signature whose factory reverts is 401 signature_mismatch, never a 500", async () => {
      const name = label();
      const wallet = await predictWallet(sigil.chain, factory, DevAccountIndex.trader, name);
      const response = await signInFor(api, {
        address: wallet,
        signer: trader,
        wrap: (signature) => wrap6492(reverting, DevAccountIndex.trader, name, signature),
      });
      expectError(response, 401, "signature_mismatch");
    });

    it("A8: an ERC-6492 signature whose factory burns all gas is refused with 401 within a few seconds", async () => {
      const name = label();
      const wallet = await predictWallet(sigil.chain, factory, DevAccountIndex.trader, name);
      const started = Date.now();
      const response = await signInFor(api, {
        address: wallet,
        signer: trader,
        wrap: (signature) => wrap6492(burning, DevAccountIndex.trader, name, signature),
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      expectError(response, 401, "signature_mismatch");
    });

    describe("A8: the verification eth_call is bounded", () => {
      const instanceOn = (rpcUrl: string) =>
        sigil.createInstance({
          SIGIL_CHAINS: JSON.stringify([
            {
              chainId: CHAIN_ID,
              name: "local",
              rpcUrls: [rpcUrl],
              registry: sigil.stack.registry,
              timeoutMs: 2000,
            },
          ]),
        });

      it("A8: every contract-wallet eth_call Sigil sends carries a gas cap of at most 2M", async () => {
        const proxy = await startRecordingProxy(sigil.chain.url);
        try {
          const proxied = await listen(await instanceOn(proxy.url));
          const deployed = await deployWallet(sigil.chain, factory, DevAccountIndex.trader, label());
          expect((await signInFor(proxied, { address: deployed, signer: trader })).status).toBe(200);
          const name = label();
          const counterfactual = await predictWallet(sigil.chain, factory, DevAccountIndex.trader, name);
          const wrapped = await signInFor(proxied, {
            address: counterfactual,
            signer: trader,
            wrap: (signature) => wrap6492(factory, DevAccountIndex.trader, name, signature),
          });
          expect(wrapped.status).toBe(200);

          // Role reads are pinned to a block hash; the signature checks are the calls without one.
          const checks = proxy.calls.filter(
            (call) =>
              call.method === "eth_call" &&
              !(call.params[1] as { blockHash?: string } | undefined)?.blockHash,
          );
          expect(checks.length).toBeGreaterThanOrEqual(2);
          for (const call of checks) {
            const gas = (call.params[0] as { gas?: Hex }).gas;
            expect(gas).toBeDefined();
            expect(BigInt(gas!)).toBeLessThanOrEqual(2_000_000n);
          }
        } finally {
          await proxy.close();
        }
      });

      it("A8: a wallet check against an RPC that never answers ends within its deadline as 503 rpc_unavailable", async () => {
        const silent = await startSilentServer();
        try {
          const hung = await listen(await instanceOn(silent.url));
          const wallet = await predictWallet(sigil.chain, factory, DevAccountIndex.trader, label());
          const started = Date.now();
          const { result: response } = await captureOutput(() =>
            signInFor(hung, { address: wallet, signer: trader }),
          );
          expect(Date.now() - started).toBeLessThan(6_000);
          expectError(response, 503, "rpc_unavailable");
        } finally {
          await silent.close();
        }
      });
    });
  });

  describe("A9: sessions are bound to the wallet that signed in", () => {
    it("A9: the session speaks for the signing address on the signing chain", async () => {
      const tokens = await tokensFor(api, viewer);
      const { body } = await api.get("/v1/me").set(bearer(tokens.access_token)).expect(200);
      expect(body).toMatchObject({
        sub: `eip155:${CHAIN_ID}:${viewer.address}`,
        address: viewer.address,
        chainId: CHAIN_ID,
        sessionId: tokens.session_id,
      });
    });

    it("A9: an ERC-6492 session is re-checked on refresh and keeps working while the wallet stays undeployed", async () => {
      const name = label();
      const wallet = await predictWallet(sigil.chain, factory, DevAccountIndex.trader, name);
      const signedIn = await signInFor(api, {
        address: wallet,
        signer: trader,
        wrap: (signature) => wrap6492(factory, DevAccountIndex.trader, name, signature),
      });
      expect(signedIn.status).toBe(200);
      const refreshed = await api
        .post("/v1/auth/refresh")
        .send({ refresh_token: signedIn.body.refresh_token });
      expect(refreshed.status).toBe(200);
      await api.get("/v1/me").set(bearer(refreshed.body.access_token)).expect(200);
      expect(await sigil.chain.publicClient.getCode({ address: wallet })).toBeUndefined();
    });

    it("A9: a 1271 wallet whose owner changed fails on refresh with invalid_grant, and its session is revoked", async () => {
      await withChainSnapshot(async () => {
        const wallet = await deployWallet(sigil.chain, factory, DevAccountIndex.trader, label());
        const signedIn = await signInFor(api, { address: wallet, signer: trader });
        expect(signedIn.status).toBe(200);
        const refreshed = await api
          .post("/v1/auth/refresh")
          .send({ refresh_token: signedIn.body.refresh_token });
        expect(refreshed.status).toBe(200);

        const hash = await sigil.chain.wallet(DevAccountIndex.trader).writeContract({
          address: wallet,
          abi: smartWalletAbi,
          functionName: "setOwner",
          args: [viewer.address],
        });
        await sigil.chain.publicClient.waitForTransactionReceipt({ hash });

        const refused = await api
          .post("/v1/auth/refresh")
          .send({ refresh_token: refreshed.body.refresh_token });
        expectError(refused, 400, "invalid_grant");
        const session = await sessionRow(sigil.database.dataSource, signedIn.body.session_id);
        expect(session.revoked_at).not.toBeNull();
        expect(session.revoked_reason).toBe("wallet_signature_invalid");
        expectError(await api.get("/v1/me").set(bearer(refreshed.body.access_token)), 401, "invalid_token");
      });
    });
  });

  describe("scopes granted from on-chain roles", () => {
    it("dev account 3 (no role) signs in with no scopes and no roles", async () => {
      const tokens = await tokensFor(api, noRole);
      expect(tokens.scope).toBe("");
      const { body } = await api.get("/v1/me").set(bearer(tokens.access_token)).expect(200);
      expect(body).toMatchObject({ scope: [], roles: [] });
    });

    it("asking for more than the roles allow is narrowed to what they allow, and the grant records both", async () => {
      const tokens = await tokensFor(api, viewer, ["orders:write", "positions:read", "sigil:admin"]);
      expect(tokens.scope).toBe("positions:read");
      const { body } = await api.get("/v1/grants").set(bearer(tokens.access_token)).expect(200);
      const grant = body.grants.find((g: { sessionId: string }) => g.sessionId === tokens.session_id);
      expect(grant).toMatchObject({
        method: "siwe",
        scopesRequested: ["orders:write", "positions:read", "sigil:admin"],
        scopesGranted: ["positions:read"],
      });
      expect(grant.roles.map((role: { name: string }) => role.name)).toEqual(["VIEWER"]);
    });

    it("asking for less than the roles allow grants only what was asked", async () => {
      const tokens = await tokensFor(api, trader, ["orders:read"]);
      expect(tokens.scope).toBe("orders:read");
      const { body } = await api.get("/v1/me").set(bearer(tokens.access_token)).expect(200);
      expect(body.scope).toEqual(["orders:read"]);
    });
  });

  describe("A12: sign-in rate limits", () => {
    it("A12: sign-in routes are limited per client IP: the request over the limit is 429 with Retry-After", async () => {
      const limited = await sigil.createInstance({
        SIGIL_AUTH_RATE_LIMIT_IP: "3",
        SIGIL_AUTH_RATE_LIMIT_ADDRESS: "0",
      });
      const limitedApi = await listen(limited);
      for (let i = 0; i < 3; i++) await limitedApi.get("/v1/auth/nonce").expect(200);
      const over = await limitedApi
        .post("/v1/auth/challenge")
        .send({ address: trader.address, chainId: CHAIN_ID });
      expectError(over, 429, "rate_limited");
      expect(Number(over.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      // Only the sign-in routes share that budget.
      await limitedApi.get("/.well-known/jwks.json").expect(200);
    });

    it("A12: login is limited per wallet address, independently of other addresses", async () => {
      const limitedApi = await listen(
        await sigil.createInstance({ SIGIL_AUTH_RATE_LIMIT_IP: "1000", SIGIL_AUTH_RATE_LIMIT_ADDRESS: "2" }),
      );
      // Messages built by the client (GET /nonce), so only the login budget is spent.
      const selfBuilt = async () => {
        const message = siweMessage({ address: trader.address, nonce: await bareNonce(limitedApi) });
        return login(limitedApi, message, await trader.signMessage({ message }));
      };
      expect((await selfBuilt()).status).toBe(200);
      expect((await selfBuilt()).status).toBe(200);
      const third = await selfBuilt();
      expectError(third, 429, "rate_limited");
      expect(Number(third.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect((await signInFor(limitedApi, { address: viewer.address, signer: viewer })).status).toBe(200);
    });

    it("A12: challenges are limited per wallet address too, whatever the letter case", async () => {
      const limitedApi = await listen(
        await sigil.createInstance({ SIGIL_AUTH_RATE_LIMIT_IP: "1000", SIGIL_AUTH_RATE_LIMIT_ADDRESS: "2" }),
      );
      const ask = (address: string) =>
        limitedApi.post("/v1/auth/challenge").send({ address, chainId: CHAIN_ID });
      expect((await ask(viewer.address)).status).toBe(200);
      expect((await ask(viewer.address.toLowerCase())).status).toBe(200);
      expectError(await ask(viewer.address), 429, "rate_limited");
      expect((await ask(noRole.address)).status).toBe(200);
    });
  });

  it("D1: with the chain RPC down, login answers 503 rpc_unavailable (never 401) and the same signed message works once it is back", async () => {
    const wallet = await deployWallet(sigil.chain, factory, DevAccountIndex.trader, label());
    const eoa = await challengeFor(api, trader.address);
    const eoaSignature = await trader.signMessage({ message: eoa.message });
    const contract = await challengeFor(api, wallet);
    const contractSignature = await trader.signMessage({ message: contract.message });

    await sigil.chain.pause();
    try {
      const { result } = await captureOutput(async () => [
        await login(api, eoa.message, eoaSignature),
        await login(api, contract.message, contractSignature),
      ]);
      for (const response of result) expectError(response, 503, "rpc_unavailable");
    } finally {
      await sigil.chain.resume();
    }
    const eoaLogin = await login(api, eoa.message, eoaSignature);
    expect([eoaLogin.status, eoaLogin.body.scope]).toEqual([200, TRADER_SCOPES]);
    expect((await login(api, contract.message, contractSignature)).status).toBe(200);
  });

  it("G1: a login commits the consumed nonce, session, refresh token, grant (roles at the chain's block) and audit event", async () => {
    const { nonce, message } = await challengeFor(api, trader.address);
    const requestId = `g1-login-${Date.now()}`;
    const response = await api
      .post("/v1/auth/login")
      .set("X-Request-Id", requestId)
      .send({ message, signature: await trader.signMessage({ message }) });
    expect(response.status).toBe(200);
    const sessionId: string = response.body.session_id;
    const db = sigil.database.dataSource;

    const [nonceRow] = await db.query(`SELECT consumed_at FROM nonces WHERE nonce = $1`, [nonce]);
    expect(nonceRow.consumed_at).not.toBeNull();

    const session = await sessionRow(db, sessionId);
    expect(session).toMatchObject({
      subject: `eip155:${CHAIN_ID}:${trader.address}`,
      address: trader.address,
      chain_id: CHAIN_ID,
      wallet_kind: "eoa",
      scopes: ["orders:read", "orders:write", "positions:read"],
      revoked_at: null,
    });
    expect(await count(`SELECT count(*) AS n FROM refresh_tokens WHERE session_id = $1`, [sessionId])).toBe(
      1,
    );

    const grants = await db.query(`SELECT * FROM grants WHERE session_id = $1`, [sessionId]);
    expect(grants).toHaveLength(1);
    const [grant] = grants;
    expect(grant).toMatchObject({
      method: "siwe",
      subject: session.subject,
      chain_id: CHAIN_ID,
      revoked_at: null,
    });
    expect(grant.scopes_granted).toEqual(["orders:read", "orders:write", "positions:read"]);
    expect(grant.roles).toEqual([
      expect.objectContaining({ name: "TRADER", scopes: ["orders:read", "orders:write", "positions:read"] }),
    ]);
    const block = await sigil.chain.publicClient.getBlock({ blockNumber: BigInt(grant.block_number) });
    expect(grant.block_hash).toBe(block.hash);

    const audits = await db.query(`SELECT * FROM audit_events WHERE request_id = $1`, [requestId]);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      type: "login",
      outcome: "success",
      subject: session.subject,
      chain_id: CHAIN_ID,
    });
    expect(audits[0].data).toMatchObject({
      sessionId,
      walletKind: "eoa",
      block: { chainId: CHAIN_ID, number: String(grant.block_number), hash: block.hash },
    });
  });
});
