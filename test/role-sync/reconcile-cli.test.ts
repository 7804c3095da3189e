import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { reconcile } from "../../apps/cli/src/commands/reconcile.js";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";

/** D7 from the command line: `sigil reconcile` prints a report per chain and fails on divergence. */
describe("sigil reconcile", () => {
  let sigil: SigilTestEnvironment;
  const lines: string[] = [];
  const run = () =>
    reconcile({ env: sigil.env, dataSource: sigil.database.dataSource, print: (line) => lines.push(line) });

  beforeAll(async () => {
    sigil = await startSigil({
      SIGIL_ROLE_SYNC: "true",
      SIGIL_ROLE_SYNC_POLL_MS: "50",
      SIGIL_RECONCILE_INTERVAL_MS: "0",
    });
    await waitFor(() => sigil.app.get(RoleSyncService).follower(31337)!.steps > 0, { timeoutMs: 10_000 });
  });

  afterAll(() => sigil?.close());

  it("D7: reports no divergence for a faithful index, then names the account whose indexed scope was tampered with", async () => {
    expect(await run()).toBe(true);
    expect(JSON.parse(lines.pop()!)).toMatchObject({ sessions: { divergent: [] } });
    const clean = JSON.parse(lines.pop()!);
    expect(clean).toMatchObject({ chainId: 31337, divergent: [] });
    expect(clean.accountsChecked).toBeGreaterThanOrEqual(3);

    // The index forgets that TRADER confers orders:write (as a missed ScopeAdded event would).
    await sigil.database.dataSource.query(
      `DELETE FROM chain_role_events WHERE kind = 'scope_added' AND scope = 'orders:write'`,
    );
    expect(await run()).toBe(false);
    lines.pop(); // the sessions' report
    const report = JSON.parse(lines.pop()!);
    const trader = devAccount(DevAccountIndex.trader).address;
    expect(report.divergent).toEqual([
      {
        address: trader,
        indexed: { roles: ["TRADER"], scopes: ["orders:read", "positions:read"] },
        onChain: { roles: ["TRADER"], scopes: ["orders:read", "orders:write", "positions:read"] },
      },
    ]);
    const audit = await sigil.database.dataSource.query(
      `SELECT request_id, data FROM audit_events WHERE type = 'role_index_divergence'`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].request_id).toBe("cli");
    expect(audit[0].data.divergent[0].address).toBe(trader);
  });
});
