// C5: role sync follows new heads by subscription where a chain has a `wsUrl` (the local Hardhat
// server answers eth_subscribe on its HTTP port), and keeps polling when the subscription fails.
import type { INestApplication } from "@nestjs/common";
import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { freePort } from "../fixtures/free-port.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import { registryAdmin } from "./support/registry-admin.js";

const trader = devAccount(DevAccountIndex.trader);

describe("C5: role sync on new heads", () => {
  let sigil: SigilTestEnvironment;
  let admin: ReturnType<typeof registryAdmin>;

  beforeAll(async () => {
    // The first instance does not follow the chain; each test starts one that does.
    sigil = await startSigil({ SIGIL_ROLE_SYNC: "false", SIGIL_RECONCILE_INTERVAL_MS: "0" });
    admin = registryAdmin(sigil.chain, sigil.stack.registry);
  });

  afterAll(async () => {
    await sigil?.close();
  });

  /** An instance following chain 31337 every `pollMs`, with `wsUrl` on the chain's entry. */
  async function follower(p: { pollMs: number; wsUrl: string }): Promise<INestApplication> {
    const chains = JSON.parse(sigil.env.SIGIL_CHAINS!) as Record<string, unknown>[];
    chains[0] = { ...chains[0], wsUrl: p.wsUrl };
    const app = await sigil.createInstance({
      SIGIL_CHAINS: JSON.stringify(chains),
      SIGIL_ROLE_SYNC: "true",
      SIGIL_ROLE_SYNC_POLL_MS: String(p.pollMs),
    });
    await waitFor(() => app.get(RoleSyncService).follower(31337)!.steps > 0, { timeoutMs: 10_000 });
    return app;
  }

  /** Signs the trader in on `app`, revokes TRADER on-chain; returns ms until `app` refuses the token. */
  async function revocationReaches(app: INestApplication, timeoutMs: number): Promise<number> {
    const login = await signIn({ app, account: trader });
    expect(login.status).toBe(200);
    const me = () =>
      request(app.getHttpServer()).get("/v1/me").set("Authorization", `Bearer ${login.body.access_token}`);
    expect((await me()).status).toBe(200);
    await admin.revokeRole("TRADER", trader.address);
    try {
      return await waitFor(async () => (await me()).status === 401, { timeoutMs, everyMs: 20 });
    } finally {
      await admin.grantRole("TRADER", trader.address);
    }
  }

  it("C5: with a wsUrl, a revocation reaches live sessions within 1 s though the next poll is 30 s away", async () => {
    const app = await follower({ pollMs: 30_000, wsUrl: sigil.chain.url.replace(/^http/, "ws") });
    try {
      // Let the first poll's step end, so only a new head can start the next one.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await revocationReaches(app, 3_000)).toBeLessThan(1_000);
    } finally {
      await sigil.closeInstance(app);
    }
  });

  it("C5: a wsUrl that refuses connections leaves role sync polling, and it still applies revocations", async () => {
    const app = await follower({ pollMs: 100, wsUrl: `ws://127.0.0.1:${await freePort()}` });
    try {
      expect(await revocationReaches(app, 3_000)).toBeLessThan(2_000);
    } finally {
      await sigil.closeInstance(app);
    }
  });
});
