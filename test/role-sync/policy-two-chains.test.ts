import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import { AccessReaderService } from "../../apps/auth-api/src/chain/access-reader.service.js";
import {
  deployAccessStack,
  deployPolicyDemoOz,
  devAccount,
  devPassAbi,
  type PolicyDemoOz,
} from "@sigil/chain/dev";
import request from "supertest";
import { type Address, type Hex, parseEventLogs, type PublicClient, type TransactionReceipt } from "viem";
import { type SecondChain, startSecondChain } from "../fixtures/second-chain.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import { deployFactories, deployWallet } from "../siwe/support/wallets.js";
import { registryAdmin } from "./support/registry-admin.js";

const CHAIN_A = 31337;
const CHAIN_B = 31338;
const ADMIN = 0;
const HOLDER = 5;
const WALLET_OWNER = 6;
const SECOND_HOLDER = 7;
const address = (index: number): Address => devAccount(index).address;

/**
 * Rules whose conditions span two chains (P3): `both-chains` needs a pass on chain A and one on
 * chain B (reach eoa-anywhere, the default); `both-chains-any-wallet` reads the same chain-B pass
 * through a source configured `reach: any-wallet`.
 */
describe("a policy across two chains", () => {
  let sigil: SigilTestEnvironment;
  let chainB: SecondChain;
  let ozA: PolicyDemoOz;
  let ozB: PolicyDemoOz;
  const api = () => request(sigil.app.getHttpServer());
  const reader = () => sigil.app.get(AccessReaderService);
  const followers = () => sigil.app.get(RoleSyncService);

  beforeAll(async () => {
    chainB = await startSecondChain(CHAIN_B);
    const clientsB = { publicClient: chainB.publicClient, walletClient: chainB.wallet(ADMIN) };
    const stackB = await deployAccessStack({ ...clientsB, governance: false });
    ozB = await deployPolicyDemoOz(clientsB);
    sigil = await startSigil(
      { SIGIL_ROLE_SYNC: "true", SIGIL_ROLE_SYNC_POLL_MS: "50", SIGIL_RECONCILE_INTERVAL_MS: "0" },
      {
        moreChains: [
          {
            chainId: CHAIN_B,
            name: "second",
            rpcUrls: [chainB.url],
            registry: stackB.registry,
            timeoutMs: 2000,
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
              passB: { chain: CHAIN_B, kind: "erc721", address: ozB.pass },
              passBAnyWallet: { chain: CHAIN_B, kind: "erc721", address: ozB.pass, reach: "any-wallet" },
            },
            rules: [
              { id: "registry", scopesFrom: "registry" },
              { id: "both-chains", scopes: ["orders:write"], when: ["passA", "passB"] },
              { id: "both-chains-any-wallet", scopes: ["orders:read"], when: ["passA", "passBAnyWallet"] },
            ],
          };
        },
      },
    );
    await waitFor(() => (followers().follower(CHAIN_A)?.steps ?? 0) > 0, { timeoutMs: 10_000 });
    await waitFor(() => (followers().follower(CHAIN_B)?.steps ?? 0) > 0, { timeoutMs: 10_000 });
    const admin = registryAdmin(sigil.chain, sigil.stack.registry);
    for (const account of [HOLDER, SECOND_HOLDER]) await admin.grantRole("VIEWER", address(account));
  });

  afterAll(async () => {
    await sigil?.close();
    await chainB?.stop();
  });

  const mined = async (publicClient: PublicClient, hash: Promise<Hex>): Promise<TransactionReceipt> => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash, pollingInterval: 10 });
    expect(receipt.status).toBe("success");
    return receipt;
  };
  /** Mints a pass of `pass` on a chain to `to`; returns the pass id. */
  const mintPass = async (
    on: { publicClient: PublicClient; wallet: SecondChain["wallet"] },
    pass: Address,
    to: Address,
  ) => {
    const receipt = await mined(
      on.publicClient,
      on.wallet(ADMIN).writeContract({ address: pass, abi: devPassAbi, functionName: "mint", args: [to] }),
    );
    return parseEventLogs({ abi: devPassAbi, eventName: "Transfer", logs: receipt.logs })[0]!.args.tokenId;
  };
  const login = async (account: Parameters<typeof signIn>[0]["account"]) => {
    const response = await signIn({ app: sigil.app, account });
    expect(response.status).toBe(200);
    return response.body as { access_token: string; session_id: string; scope: string };
  };
  const walletKindOf = async (sessionId: string) =>
    (await sigil.database.dataSource.query(`SELECT wallet_kind FROM sessions WHERE id = $1`, [sessionId]))[0]
      .wallet_kind;

  const transferAwayOnB = (from: number, passId: bigint) =>
    mined(
      chainB.publicClient,
      chainB.wallet(from).writeContract({
        address: ozB.pass,
        abi: devPassAbi,
        functionName: "transferFrom",
        args: [address(from), address(ADMIN), passId],
      }),
    );
  /** Waits until the session still answers /v1/me without orders:write; returns the ms it took. */
  const narrowed = async (session: { access_token: string }) => {
    const auth = `Bearer ${session.access_token}`;
    const within = await waitFor(
      async () => {
        const me = await api().get("/v1/me").set("Authorization", auth);
        return me.status === 200 && !me.body.scope.includes("orders:write");
      },
      { timeoutMs: 5_000, everyMs: 50 },
    );
    const me = await api().get("/v1/me").set("Authorization", auth).expect(200);
    expect(me.body.scope).toEqual(["positions:read"]);
    expect(me.body.chainId).toBe(CHAIN_A);
    return within;
  };
  const reasonOf = async (session: { session_id: string }) =>
    (
      await sigil.database.dataSource.query(
        `SELECT revoked_reason FROM grants WHERE session_id = $1 AND method = 'siwe'`,
        [session.session_id],
      )
    )[0].revoked_reason;

  it("P3 a contract wallet on chain A holding on both chains gets no cross-chain scope by default, and gets it through a source with reach any-wallet", async () => {
    const { factory } = await deployFactories(sigil.chain);
    const wallet = await deployWallet(sigil.chain, factory, WALLET_OWNER, "p3-wallet");
    await mintPass(sigil.chain, ozA.pass, wallet);
    // The same address on chain B has no code there: whoever controls it is not the chain-A wallet's owner.
    await mintPass(chainB, ozB.pass, wallet);
    expect(await chainB.publicClient.getCode({ address: wallet })).toBeUndefined();

    const session = await login({ ...devAccount(WALLET_OWNER), address: wallet });
    expect(await walletKindOf(session.session_id)).toBe("eip1271");
    expect(session.scope).toBe("orders:read");

    const access = await reader().read(CHAIN_A, wallet, "eip1271");
    expect(access.scopes).toEqual(["orders:read"]);
    expect(access.provenance?.["orders:read"]?.rule).toBe("both-chains-any-wallet");
    expect(access.provenance?.["orders:read"]?.sources.map((s) => [s.source, s.chainId])).toEqual([
      ["passA", CHAIN_A],
      ["passBAnyWallet", CHAIN_B],
    ]);
    // The same wallet as an EOA would have both scopes: only the wallet kind keeps orders:write out.
    expect((await reader().read(CHAIN_A, wallet, "eoa")).scopes).toEqual(["orders:read", "orders:write"]);
  });

  it("P3 losing chain B's pass narrows, never ends, a chain-A session whichever chain's follower sees it first", async () => {
    const passB = await mintPass(chainB, ozB.pass, address(SECOND_HOLDER));
    await mintPass(sigil.chain, ozA.pass, address(SECOND_HOLDER));
    const session = await login(devAccount(SECOND_HOLDER));
    expect(session.scope).toBe("orders:read orders:write positions:read");
    // Chain A's follower re-checks this fresh sign-in (its pass was just minted) with chain B at its latest block.
    await transferAwayOnB(SECOND_HOLDER, passB);
    expect(await narrowed(session)).toBeLessThan(1_000);
    expect(await reasonOf(session)).toBe("scope_removed");
  });

  it("P3 an EOA signed in on chain A gets the all-of scope only when it holds on both chains; losing chain B's pass narrows its chain-A session within 1 s", async () => {
    const holder = devAccount(HOLDER);
    expect((await login(holder)).scope).toBe("positions:read");
    const passB = await mintPass(chainB, ozB.pass, holder.address);
    // Chain B alone does not satisfy the rule.
    expect((await login(holder)).scope).toBe("positions:read");
    await mintPass(sigil.chain, ozA.pass, holder.address);
    const session = await login(holder);
    expect(session.scope).toBe("orders:read orders:write positions:read");
    expect(await walletKindOf(session.session_id)).toBe("eoa");

    const access = await reader().read(CHAIN_A, holder.address, "eoa");
    const headB = await chainB.publicClient.getBlock({ blockTag: "latest" });
    expect(access.block.chainId).toBe(CHAIN_A);
    expect(access.provenance?.["orders:write"]).toEqual({
      rule: "both-chains",
      sources: [
        expect.objectContaining({ source: "passA", chainId: CHAIN_A, address: ozA.pass }),
        {
          source: "passB",
          kind: "erc721",
          chainId: CHAIN_B,
          address: ozB.pass,
          blockNumber: headB.number.toString(),
          blockHash: headB.hash,
        },
      ],
    });

    // With chain A's follower stopped (its re-checks could see chain B's latest block too), only
    // chain B's follower, which sees this transfer, can narrow the chain-A session.
    await followers().follower(CHAIN_A)!.stop();
    await transferAwayOnB(HOLDER, passB);
    const narrowedWithin = await narrowed(session);
    expect(narrowedWithin).toBeLessThan(1_000);
    expect(await reasonOf(session)).toBe("scope_removed");
    expect((await login(holder)).scope).toBe("positions:read");
  });
});
