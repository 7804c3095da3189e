import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import { readAccess } from "@sigil/chain";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { randomBytes } from "node:crypto";
import request from "supertest";
import { LoginSessions } from "../../apps/auth-api/src/sign-in/login-sessions.service.js";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import { registryAdmin } from "./support/registry-admin.js";

const trader = devAccount(DevAccountIndex.trader);

/** A sign-in that read the roles just before a revocation, and committed just after it was applied. */
describe("role sync and a racing sign-in", () => {
  let sigil: SigilTestEnvironment;

  beforeAll(async () => {
    sigil = await startSigil({
      SIGIL_ROLE_SYNC: "true",
      SIGIL_ROLE_SYNC_POLL_MS: "50",
      SIGIL_RECONCILE_INTERVAL_MS: "0",
    });
    await waitFor(() => sigil.app.get(RoleSyncService).follower(31337)!.steps > 0, { timeoutMs: 10_000 });
  });

  afterAll(() => sigil?.close());

  it("C5: a session committed with roles read before the revocation was applied is still ended within 2 s", async () => {
    const follower = sigil.app.get(RoleSyncService).follower(31337)!;
    const query = (sql: string, params: unknown[] = []) => sigil.database.dataSource.query(sql, params);
    // The sign-in reads the roles (TRADER held) …
    const stale = await readAccess({ chain: follower.chain, address: trader.address });
    expect(stale.scopes).toContain("orders:write");

    // … the revocation is mined and applied while the sign-in is still on its way …
    const receipt = await registryAdmin(sigil.chain, sigil.stack.registry).revokeRole(
      "TRADER",
      trader.address,
    );
    try {
      await waitFor(
        async () =>
          BigInt((await query(`SELECT block_number FROM chain_cursors`))[0].block_number) >=
          receipt.blockNumber,
      );
      // … and only then commits its session, with the scopes of the old read.
      const nonce = randomBytes(16).toString("hex");
      await query(
        `INSERT INTO nonces (nonce, issued_at, expires_at) VALUES ($1, now(), now() + interval '5 minutes')`,
        [nonce],
      );
      const tokens = await sigil.app.get(LoginSessions).createLoginSession({
        context: { requestId: "racing-login", clientAddress: null, userAgent: null },
        now: new Date(),
        nonce,
        subject: `eip155:31337:${trader.address}`,
        address: trader.address,
        chainId: 31337,
        walletKind: "eoa",
        requestedScopes: undefined,
        grantedScopes: stale.scopes,
        access: stale,
      });
      const auth = `Bearer ${tokens.access_token}`;
      const endedAfter = await waitFor(
        async () =>
          (await request(sigil.app.getHttpServer()).get("/v1/me").set("Authorization", auth)).status === 401,
        { timeoutMs: 5_000 },
      );
      expect(endedAfter).toBeLessThan(2_000);
      const [grant] = await query(`SELECT revoked_reason FROM grants WHERE session_id = $1`, [
        tokens.session_id,
      ]);
      expect(grant.revoked_reason).toBe("role_revoked");
    } finally {
      await registryAdmin(sigil.chain, sigil.stack.registry).grantRole("TRADER", trader.address);
    }
  });
});
