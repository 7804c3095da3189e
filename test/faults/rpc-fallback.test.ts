// SECURITY-TESTS D2: the primary RPC endpoint dies while wallets sign in; the fallback endpoint
// answers and no sign-in is refused or granted fewer scopes than the wallet's roles confer.
import type { INestApplication } from "@nestjs/common";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { type RpcProxy, startRpcProxy } from "../fixtures/rpc-proxy.js";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import { listen } from "./support/instances.js";

const TRADER_SCOPES = "orders:read orders:write positions:read";

describe("D2: fallback RPC", () => {
  let sigil: SigilTestEnvironment;
  let primary: RpcProxy;
  let secondary: RpcProxy;
  let url: string;

  beforeAll(async () => {
    sigil = await startSigil();
    // Two endpoints in front of the one chain: killing the first must not be noticed by clients.
    primary = await startRpcProxy(sigil.chain.url);
    secondary = await startRpcProxy(sigil.chain.url);
    const registry = sigil.stack.registry;
    const app: INestApplication = await sigil.createInstance({
      SIGIL_CHAINS: JSON.stringify([
        { chainId: 31337, name: "local", rpcUrls: [primary.url, secondary.url], registry, timeoutMs: 2000 },
      ]),
    });
    url = await listen(app);
  }, 120_000);

  afterAll(async () => {
    await primary?.close();
    await secondary?.close();
    await sigil?.close();
  });

  it("D2: primary RPC killed under sign-in load: the fallback answers, no false denials", async () => {
    const trader = devAccount(DevAccountIndex.trader);
    const outcomes: { status: number; scope?: string; error?: string; afterKill: boolean }[] = [];
    let killed = false;
    let running = true;
    const signIn = async () => {
      const post = async (path: string, body: unknown) => {
        const response = await fetch(`${url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        return { status: response.status, body: (await response.json()) as Record<string, string> };
      };
      const challenge = await post("/v1/auth/challenge", { address: trader.address, chainId: 31337 });
      if (challenge.status !== 200) return challenge;
      const signature = await trader.signMessage({ message: challenge.body.message! });
      return post("/v1/auth/login", { message: challenge.body.message, signature });
    };
    const worker = async () => {
      while (running) {
        const afterKill = killed;
        const { status, body } = await signIn();
        outcomes.push({ status, scope: body.scope, error: body.error, afterKill });
      }
    };
    const workers = Promise.all([worker(), worker(), worker()]);
    try {
      await waitFor(() => outcomes.length >= 10, { timeoutMs: 30_000, everyMs: 20 });
      expect(primary.methods.length).toBeGreaterThan(0);
      const secondaryBefore = secondary.methods.length;
      await primary.close();
      killed = true;
      await waitFor(() => outcomes.filter((o) => o.afterKill).length >= 15, {
        timeoutMs: 30_000,
        everyMs: 20,
      });
      expect(secondary.methods.length).toBeGreaterThan(secondaryBefore);
    } finally {
      running = false;
      await workers;
    }
    const denied = outcomes.filter((o) => o.status !== 200 || !sameScopes(o.scope, TRADER_SCOPES));
    expect(denied).toEqual([]);
  }, 90_000);
});

function sameScopes(a: string | undefined, b: string): boolean {
  return (a ?? "").split(" ").sort().join(" ") === b.split(" ").sort().join(" ");
}
