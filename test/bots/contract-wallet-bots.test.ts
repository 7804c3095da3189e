// Bots of contract wallets (issue 17, J4 and J5): delegations and API keys of an EIP-1271
// SmartWallet on a local chain, against real Postgres (or PGlite).
import type { INestApplication } from "@nestjs/common";
import { smartWalletAbi } from "@sigil/chain/dev";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import type { Address, LocalAccount } from "viem";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { startRpcProxy } from "../fixtures/rpc-proxy.js";
import { registryAdmin } from "../role-sync/support/registry-admin.js";
import { startRecordingProxy, startSilentServer } from "../siwe/support/rpc-proxy.js";
import { deployFactories, deployWallet } from "../siwe/support/wallets.js";
import { expectError, signInFor } from "../e2e/support/siwe.js";
import { captureOutput } from "../e2e/support/output.js";
import {
  botLogin,
  createSessionKey,
  inSeconds,
  type SessionKey,
  signDelegation,
} from "./support/bot-flows.js";
import { signedPost } from "./support/signed-call.js";

const trader = devAccount(DevAccountIndex.trader);
const viewer = devAccount(DevAccountIndex.viewer);

describe("bots of contract wallets", () => {
  let sigil: SigilTestEnvironment;
  let factory: Address;
  let admin: ReturnType<typeof registryAdmin>;
  let nextLabel = 0;
  const api = (app: INestApplication = sigil.app) => request(app.getHttpServer());
  const issuer = () => sigil.env.SIGIL_ISSUER!;

  beforeAll(async () => {
    sigil = await startSigil();
    ({ factory } = await deployFactories(sigil.chain));
    admin = registryAdmin(sigil.chain, sigil.stack.registry);
  });
  afterAll(() => sigil?.close());

  /** An app instance on the same database whose chain RPC is `rpcUrl`. */
  const instanceOn = (rpcUrl: string) =>
    sigil.createInstance({
      SIGIL_CHAINS: JSON.stringify([
        { chainId: 31337, name: "local", rpcUrls: [rpcUrl], registry: sigil.stack.registry, timeoutMs: 2000 },
      ]),
    });

  /** A deployed SmartWallet owned by the trader, holding TRADER, signed in: its owner token. */
  async function contractWallet() {
    const wallet = await deployWallet(sigil.chain, factory, DevAccountIndex.trader, `bots-${nextLabel++}`);
    await admin.grantRole("TRADER", wallet);
    const signedIn = await signInFor(request(sigil.app.getHttpServer()), { address: wallet, signer: trader });
    expect(signedIn.status).toBe(200);
    return { wallet, token: signedIn.body.access_token as string };
  }

  /** The wallet's delegation to `key`, signed by its current owner (the trader) as EIP-1271 checks it. */
  function delegationBody(wallet: Address, key: SessionKey) {
    const owner = { address: wallet, signTypedData: trader.signTypedData } as unknown as LocalAccount;
    return signDelegation({ owner, key, terms: { scopes: ["orders:write"], expiresAt: inSeconds(3600) } });
  }

  async function delegate(wallet: Address, token: string, key: SessionKey) {
    const created = await api()
      .post("/v1/delegations")
      .set("Authorization", `Bearer ${token}`)
      .send(await delegationBody(wallet, key));
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  async function hmacKey(token: string) {
    const created = await api()
      .post("/v1/api-keys")
      .set("Authorization", `Bearer ${token}`)
      .send({ alg: "hmac-sha256", scopes: ["orders:write"], expiresAt: inSeconds(3600) });
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string };
  }

  const keyToken = (key: { id: string; secret: string }, app: INestApplication = sigil.app) =>
    signedPost({
      app,
      keyId: key.id,
      signer: { alg: "hmac-sha256", secret: key.secret },
      target: "/v1/api-keys/token",
    });

  async function changeOwner(wallet: Address, to: Address) {
    const hash = await sigil.chain.wallet(DevAccountIndex.trader).writeContract({
      address: wallet,
      abi: smartWalletAbi,
      functionName: "setOwner",
      args: [to],
    });
    await sigil.chain.publicClient.waitForTransactionReceipt({ hash });
  }

  const row = async (table: "delegations" | "api_keys", id: string) =>
    (
      await sigil.database.dataSource.query(`SELECT revoked_at, revoked_reason FROM ${table} WHERE id = $1`, [
        id,
      ])
    )[0];
  const sessionRevoked = async (id: string) =>
    (await sigil.database.dataSource.query(`SELECT revoked_at FROM sessions WHERE id = $1`, [id]))[0]
      .revoked_at !== null;

  describe("J4: a contract wallet's owner change", () => {
    it("J4: once the wallet no longer accepts the signer that created them, its delegation and API key mint no token, and are revoked with their bot sessions", async () => {
      const { wallet, token } = await contractWallet();
      const key = createSessionKey();
      const delegationId = await delegate(wallet, token, key);
      const apiKey = await hmacKey(token);
      const botToken = await botLogin({ app: sigil.app, issuer: issuer(), delegationId, key });
      expect(botToken.status).toBe(200);
      const keyTokenBefore = await keyToken(apiKey);
      expect(keyTokenBefore.status).toBe(200);

      await changeOwner(wallet, viewer.address);

      expectError(
        await botLogin({ app: sigil.app, issuer: issuer(), delegationId, key }),
        401,
        "delegation_inactive",
      );
      expectError(await keyToken(apiKey), 401, "delegation_inactive");
      expect(await row("delegations", delegationId)).toMatchObject({
        revoked_reason: "wallet_signature_invalid",
      });
      expect(await row("api_keys", apiKey.id)).toMatchObject({ revoked_reason: "wallet_signature_invalid" });
      expect(await sessionRevoked(botToken.body.session_id)).toBe(true);
      expect(await sessionRevoked(keyTokenBefore.body.session_id)).toBe(true);
      // Still refused later (the wallet's answer is not asked again for a revoked credential).
      expectError(
        await botLogin({ app: sigil.app, issuer: issuer(), delegationId, key }),
        401,
        "delegation_inactive",
      );
      expect((await keyToken(apiKey)).status).toBe(401);
    });

    it("J4: a wallet the chain cannot confirm now (no code at the RPC, as on a lagging node) refuses the mint and revokes nothing", async () => {
      const { wallet, token } = await contractWallet();
      const key = createSessionKey();
      const delegationId = await delegate(wallet, token, key);
      const code = await sigil.chain.publicClient.getCode({ address: wallet });
      const setCode = (bytecode: string) =>
        sigil.chain.publicClient.request({ method: "hardhat_setCode", params: [wallet, bytecode] } as never);
      await setCode("0x");
      try {
        expectError(
          await botLogin({ app: sigil.app, issuer: issuer(), delegationId, key }),
          401,
          "delegation_inactive",
        );
        expect(await row("delegations", delegationId)).toMatchObject({ revoked_at: null });
      } finally {
        await setCode(code!);
      }
      expect((await botLogin({ app: sigil.app, issuer: issuer(), delegationId, key })).status).toBe(200);
    });

    it("J4: while the wallet keeps its owner, its bots keep minting tokens (each mint re-checks the wallet)", async () => {
      const { wallet, token } = await contractWallet();
      const key = createSessionKey();
      const delegationId = await delegate(wallet, token, key);
      const apiKey = await hmacKey(token);
      for (let i = 0; i < 2; i++) {
        expect((await botLogin({ app: sigil.app, issuer: issuer(), delegationId, key })).status).toBe(200);
        expect((await keyToken(apiKey)).status).toBe(200);
      }
      expect(await row("delegations", delegationId)).toMatchObject({ revoked_at: null });
    });

    it("J4: an API key cannot be created from a sign-in the wallet no longer accepts", async () => {
      const { wallet, token } = await contractWallet();
      await changeOwner(wallet, viewer.address);
      const created = await api()
        .post("/v1/api-keys")
        .set("Authorization", `Bearer ${token}`)
        .send({ alg: "hmac-sha256", scopes: ["orders:write"], expiresAt: inSeconds(3600) });
      expectError(created, 401, "signature_mismatch");
    });
  });

  describe("J5: contract-signature checks of delegations", () => {
    it("J5: a delegation's wallet check is gas-capped (at most 2M) and asks the chain its id (chain-pinned)", async () => {
      const proxy = await startRecordingProxy(sigil.chain.url);
      try {
        const proxied = await instanceOn(proxy.url);
        const { wallet, token } = await contractWallet();
        const before = proxy.calls.length;
        const created = await api(proxied)
          .post("/v1/delegations")
          .set("Authorization", `Bearer ${token}`)
          .send(await delegationBody(wallet, createSessionKey()));
        expect(created.status).toBe(201);
        const calls = proxy.calls.slice(before);
        // Role reads are pinned to a block hash; the signature check is the call without one.
        const checks = calls.filter(
          (call) =>
            call.method === "eth_call" && !(call.params[1] as { blockHash?: string } | undefined)?.blockHash,
        );
        expect(checks.length).toBeGreaterThanOrEqual(1);
        for (const call of checks) {
          const gas = (call.params[0] as { gas?: string }).gas;
          expect(gas).toBeDefined();
          expect(BigInt(gas!)).toBeLessThanOrEqual(2_000_000n);
        }
        expect(calls.map((call) => call.method)).toContain("eth_chainId");
      } finally {
        await proxy.close();
      }
    });

    it("J5: an RPC outage while a delegation is checked is 503 rpc_unavailable, never a signature error", async () => {
      const proxy = await startRpcProxy(sigil.chain.url);
      try {
        const proxied = await instanceOn(proxy.url);
        const { wallet, token } = await contractWallet();
        proxy.down = true;
        const { result: created } = await captureOutput(async () =>
          api(proxied)
            .post("/v1/delegations")
            .set("Authorization", `Bearer ${token}`)
            .send(await delegationBody(wallet, createSessionKey())),
        );
        expectError(created, 503, "rpc_unavailable");
      } finally {
        await proxy.close();
      }
    });

    it("J5: a hung RPC while a delegation is checked ends within the deadline as 503 rpc_unavailable", async () => {
      const silent = await startSilentServer();
      try {
        const hung = await instanceOn(silent.url);
        const { wallet, token } = await contractWallet();
        const body = await delegationBody(wallet, createSessionKey());
        const started = Date.now();
        const { result: created } = await captureOutput(async () =>
          api(hung).post("/v1/delegations").set("Authorization", `Bearer ${token}`).send(body),
        );
        expect(Date.now() - started).toBeLessThan(6_000);
        expectError(created, 503, "rpc_unavailable");
      } finally {
        await silent.close();
      }
    });

    it("J5: an RPC outage when a contract wallet's bot mints a token is 503 rpc_unavailable, and the credential stays live", async () => {
      const proxy = await startRpcProxy(sigil.chain.url);
      try {
        const proxied = await instanceOn(proxy.url);
        const { wallet, token } = await contractWallet();
        const key = createSessionKey();
        const delegationId = await delegate(wallet, token, key);
        const apiKey = await hmacKey(token);
        proxy.down = true;
        const { result: minted } = await captureOutput(() =>
          botLogin({ app: proxied, issuer: issuer(), delegationId, key }),
        );
        expectError(minted, 503, "rpc_unavailable");
        const { result: keyMinted } = await captureOutput(() => keyToken(apiKey, proxied));
        expectError(keyMinted, 503, "rpc_unavailable");
        proxy.down = false;
        expect(await row("delegations", delegationId)).toMatchObject({ revoked_at: null });
        expect(await row("api_keys", apiKey.id)).toMatchObject({ revoked_at: null });
        expect((await botLogin({ app: proxied, issuer: issuer(), delegationId, key })).status).toBe(200);
      } finally {
        await proxy.close();
      }
    });
  });
});
