import type { INestApplication } from "@nestjs/common";
import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import {
  deployAccessStack,
  deployPolicyDemoOz,
  devAccount,
  devPassAbi,
  type PolicyDemoOz,
} from "@sigil/chain/dev";
import request from "supertest";
import { type Address, parseEventLogs } from "viem";
import { createVenueFor } from "../fixtures/example-venue.js";
import { type RpcProxy, startRpcProxy } from "../fixtures/rpc-proxy.js";
import { type SecondChain, startSecondChain } from "../fixtures/second-chain.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { sleep, waitFor } from "../guard/support/wait.js";
import { basic } from "../e2e/support/http.js";
import { registryAdmin } from "./support/registry-admin.js";

const CHAIN_A = 31337;
const CHAIN_B = 31338;
const ADMIN = 0;
const HOLDER = 5;
const OTHER = 6;
const address = (index: number): Address => devAccount(index).address;
/** The example venue's guard: `maxRoleSyncAgeMs` default. */
const VENUE_MAX_ROLE_SYNC_AGE_MS = 10_000;
const order = { market: "BTC-USD", side: "buy", size: "0.1" };

/**
 * A policy source on another chain whose RPC goes down (P5): at the auth-api and at a resource server
 * (the example venue, through the token's `scope_chains` and the feed's `roleSync`), the scopes it
 * grants fail closed (503 role_sync_stale naming that chain) while the sign-in chain's scopes keep
 * working, and they come back when the chain does.
 */
describe("a policy source's chain down", () => {
  let sigil: SigilTestEnvironment;
  let chainB: SecondChain;
  let proxyB: RpcProxy;
  let ozB: PolicyDemoOz;
  let ozA: PolicyDemoOz;
  let venue: INestApplication;
  const api = () => request(sigil.app.getHttpServer());
  const atVenue = () => request(venue.getHttpServer());
  const followers = () => sigil.app.get(RoleSyncService);

  beforeAll(async () => {
    chainB = await startSecondChain(CHAIN_B);
    proxyB = await startRpcProxy(chainB.url);
    const clientsB = { publicClient: chainB.publicClient, walletClient: chainB.wallet(ADMIN) };
    const stackB = await deployAccessStack({ ...clientsB, governance: false });
    ozB = await deployPolicyDemoOz(clientsB);
    const minted = await chainB.wallet(ADMIN).writeContract({
      address: ozB.pass,
      abi: devPassAbi,
      functionName: "mint",
      args: [address(HOLDER)],
    });
    await chainB.publicClient.waitForTransactionReceipt({ hash: minted });
    sigil = await startSigil(
      {
        SIGIL_ROLE_SYNC: "true",
        SIGIL_ROLE_SYNC_POLL_MS: "50",
        SIGIL_ROLE_SYNC_MAX_STALENESS_MS: "1000",
        SIGIL_RECONCILE_INTERVAL_MS: "0",
      },
      {
        moreChains: [
          {
            chainId: CHAIN_B,
            name: "second",
            rpcUrls: [proxyB.url],
            registry: stackB.registry,
            timeoutMs: 500,
          },
        ],
        policy: async ({ chain, stack }) => {
          ozA = await deployPolicyDemoOz({
            publicClient: chain.publicClient,
            walletClient: chain.wallet(ADMIN),
          });
          return {
            sources: {
              registry: { chain: CHAIN_A, kind: "sigil-registry", address: stack.registry },
              passA: { chain: CHAIN_A, kind: "erc721", address: ozA.pass },
              passB: { chain: CHAIN_B, kind: "erc721", address: ozB.pass, reach: "eoa-anywhere" },
            },
            rules: [
              { id: "registry", scopesFrom: "registry" },
              { id: "near-readers", scopes: ["orders:read"], when: ["passA"] },
              { id: "far-admins", scopes: ["sigil:admin", "orders:write"], when: ["passB"] },
            ],
          };
        },
      },
    );
    await waitFor(() => (followers().follower(CHAIN_A)?.steps ?? 0) > 0, { timeoutMs: 10_000 });
    await waitFor(() => (followers().follower(CHAIN_B)?.steps ?? 0) > 0, { timeoutMs: 10_000 });
    const admin = registryAdmin(sigil.chain, sigil.stack.registry);
    await admin.grantRole("VIEWER", address(HOLDER));
    await sigil.app.listen(0, "127.0.0.1");
    venue = await createVenueFor(sigil, await sigil.app.getUrl());
  });

  afterAll(async () => {
    await venue?.close();
    await sigil?.close();
    await proxyB?.close();
    await chainB?.stop();
  });

  it("P5 chain B down: its scopes answer 503 role_sync_stale naming chain B at the auth-api and at the venue, chain A's scopes keep working; both recover", async () => {
    const login = await signIn({ app: sigil.app, account: devAccount(HOLDER) });
    expect(login.status).toBe(200);
    expect(login.body.scope).toBe("orders:write positions:read sigil:admin");
    // The token says which scopes chain B could grant: a resource server checks that chain for them.
    const scopeChainsOf = (token: string) =>
      JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).scope_chains;
    const expected = { "orders:write": [CHAIN_B], "sigil:admin": [CHAIN_B] };
    expect(scopeChainsOf(login.body.access_token)).toEqual(expected);
    const refreshed = await api()
      .post("/v1/auth/refresh")
      .send({ refresh_token: login.body.refresh_token })
      .expect(200);
    expect(scopeChainsOf(refreshed.body.access_token)).toEqual(expected);
    const auth = `Bearer ${login.body.access_token}`;
    const othersGrants = () =>
      api()
        .get("/v1/grants")
        .query({ subject: `eip155:31337:${address(OTHER)}` })
        .set("Authorization", auth);
    const placeOrder = () => atVenue().post("/orders").set("Authorization", auth).send(order);
    const positions = () => atVenue().get("/positions").set("Authorization", auth);
    await othersGrants().expect(200);
    await placeOrder().expect(201);
    await positions().expect(200);
    proxyB.down = true;
    const downAt = performance.now();
    try {
      await waitFor(async () => (await othersGrants()).status === 503, { timeoutMs: 10_000, everyMs: 50 });
      const refused = await othersGrants();
      expect(refused.body).toMatchObject({ error: "role_sync_stale" });
      expect(JSON.stringify(refused.body)).toContain(String(CHAIN_B));
      // Chain A's scope is untouched: /v1/me answers with it, without the ones chain B grants.
      const me = await api().get("/v1/me").set("Authorization", auth).expect(200);
      expect(me.body.scope).toEqual(["positions:read"]);
      const introspected = await api()
        .post("/oauth/introspect")
        .set(basic())
        .send({ token: login.body.access_token })
        .expect(200);
      expect(introspected.body).toMatchObject({ active: true, scope: "positions:read" });
      // A sign-in meanwhile gets chain A's scopes; chain B's source counts as not holding.
      const during = await signIn({ app: sigil.app, account: devAccount(HOLDER) });
      expect(during.status).toBe(200);
      expect(during.body.scope).toBe("positions:read");

      // The venue refuses chain B's scope once the feed's age of chain B passes its bound.
      await waitFor(async () => (await placeOrder()).status === 503, { timeoutMs: 20_000, everyMs: 100 });
      const staleAfter = performance.now() - downAt;
      expect(staleAfter).toBeLessThan(VENUE_MAX_ROLE_SYNC_AGE_MS + 2_000);
      // Not before: the venue's view of the age lags by at most its 5 s long poll.
      expect(staleAfter).toBeGreaterThan(VENUE_MAX_ROLE_SYNC_AGE_MS - 6_000);
      const atVenueRefused = await placeOrder().expect(503);
      expect(atVenueRefused.body.error).toBe("role_sync_stale");
      expect(atVenueRefused.body.message).toContain(`chain ${CHAIN_B}`);
      expect(atVenueRefused.headers["retry-after"]).toBeDefined();
      await positions().expect(200);
    } finally {
      proxyB.down = false;
    }
    await waitFor(async () => (await othersGrants()).status === 200, { timeoutMs: 10_000, everyMs: 50 });
    const me = await api().get("/v1/me").set("Authorization", auth).expect(200);
    expect(me.body.scope).toEqual(["orders:write", "positions:read", "sigil:admin"]);
    await waitFor(async () => (await placeOrder()).status === 201, { timeoutMs: 15_000, everyMs: 100 });
    await positions().expect(200);
  });
  it("P5 an event on chain A while chain B is down narrows what chain A decided and keeps what chain B may still grant", async () => {
    const sendA = async (from: number, functionName: "mint" | "transferFrom", args: unknown[]) => {
      const hash = await sigil.chain
        .wallet(from)
        .writeContract({ address: ozA.pass, abi: devPassAbi, functionName, args } as never);
      return sigil.chain.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    };
    const minted = await sendA(ADMIN, "mint", [address(HOLDER)]);
    const [transfer] = parseEventLogs({ abi: devPassAbi, eventName: "Transfer", logs: minted.logs });
    const login = await signIn({ app: sigil.app, account: devAccount(HOLDER) });
    expect(login.body.scope).toBe("orders:read orders:write positions:read sigil:admin");
    const scopesOf = async () =>
      (
        await sigil.database.dataSource.query(`SELECT scopes FROM sessions WHERE id = $1`, [
          login.body.session_id,
        ])
      )[0].scopes as string[];

    proxyB.down = true;
    try {
      // The pass on chain A goes: chain A's follower re-reads the holder while chain B does not answer.
      await sendA(HOLDER, "transferFrom", [address(HOLDER), address(OTHER), transfer!.args.tokenId]);
      await waitFor(async () => !(await scopesOf()).includes("orders:read"), { timeoutMs: 5_000 });
      // A re-check a moment later, with chain B still down, takes nothing more.
      await sleep(1_000);
      expect((await scopesOf()).sort()).toEqual(["orders:write", "positions:read", "sigil:admin"]);
    } finally {
      proxyB.down = false;
    }
    await waitFor(
      async () =>
        (await api().get("/v1/me").set("Authorization", `Bearer ${login.body.access_token}`)).body.scope
          ?.length === 3,
      { timeoutMs: 15_000, everyMs: 100 },
    );
    const me = await api()
      .get("/v1/me")
      .set("Authorization", `Bearer ${login.body.access_token}`)
      .expect(200);
    expect(me.body.scope).toEqual(["orders:write", "positions:read", "sigil:admin"]);
  });
});
