import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import {
  deployAccessStack,
  deployPolicyDemoOz,
  devAccount,
  devPassAbi,
  type PolicyDemoOz,
} from "@sigil/chain/dev";
import request from "supertest";
import type { Address } from "viem";
import { type RpcProxy, startRpcProxy } from "../fixtures/rpc-proxy.js";
import { type SecondChain, startSecondChain } from "../fixtures/second-chain.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import { basic } from "../e2e/support/http.js";
import { registryAdmin } from "./support/registry-admin.js";

const CHAIN_A = 31337;
const CHAIN_B = 31338;
const ADMIN = 0;
const HOLDER = 5;
const OTHER = 6;
const address = (index: number): Address => devAccount(index).address;

/**
 * A policy source on another chain whose RPC goes down (P5): at the auth-api, the scope it grants
 * fails closed (503 role_sync_stale naming that chain, left out of /v1/me and introspection) while the
 * sign-in chain's scopes keep working, and it comes back when the chain does.
 */
describe("a policy source's chain down", () => {
  let sigil: SigilTestEnvironment;
  let chainB: SecondChain;
  let proxyB: RpcProxy;
  let ozB: PolicyDemoOz;
  const api = () => request(sigil.app.getHttpServer());
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
        policy: async ({ stack }) => ({
          sources: {
            registry: { chain: CHAIN_A, kind: "sigil-registry", address: stack.registry },
            passB: { chain: CHAIN_B, kind: "erc721", address: ozB.pass, reach: "eoa-anywhere" },
          },
          rules: [
            { id: "registry", scopesFrom: "registry" },
            { id: "far-admins", scopes: ["sigil:admin"], when: ["passB"] },
          ],
        }),
      },
    );
    await waitFor(() => (followers().follower(CHAIN_A)?.steps ?? 0) > 0, { timeoutMs: 10_000 });
    await waitFor(() => (followers().follower(CHAIN_B)?.steps ?? 0) > 0, { timeoutMs: 10_000 });
    const admin = registryAdmin(sigil.chain, sigil.stack.registry);
    await admin.grantRole("VIEWER", address(HOLDER));
  });

  afterAll(async () => {
    await sigil?.close();
    await proxyB?.close();
    await chainB?.stop();
  });

  it("P5 chain B down: its scope answers 503 role_sync_stale naming chain B, chain A's scopes keep working; both recover", async () => {
    const login = await signIn({ app: sigil.app, account: devAccount(HOLDER) });
    expect(login.status).toBe(200);
    expect(login.body.scope).toBe("positions:read sigil:admin");
    const auth = `Bearer ${login.body.access_token}`;
    const othersGrants = () =>
      api()
        .get("/v1/grants")
        .query({ subject: `eip155:31337:${address(OTHER)}` })
        .set("Authorization", auth);
    await othersGrants().expect(200);

    proxyB.down = true;
    try {
      await waitFor(async () => (await othersGrants()).status === 503, { timeoutMs: 10_000, everyMs: 50 });
      const refused = await othersGrants();
      expect(refused.body).toMatchObject({ error: "role_sync_stale" });
      expect(JSON.stringify(refused.body)).toContain(String(CHAIN_B));
      // Chain A's scope is untouched: /v1/me answers with it, without the one chain B grants.
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
    } finally {
      proxyB.down = false;
    }
    await waitFor(async () => (await othersGrants()).status === 200, { timeoutMs: 10_000, everyMs: 50 });
    const me = await api().get("/v1/me").set("Authorization", auth).expect(200);
    expect(me.body.scope).toEqual(["positions:read", "sigil:admin"]);
  });
});
