import { reconcileRoles, type ReconciliationReport, recordAuditEvent } from "@sigil/persistence";
import { ChainClients } from "@sigil/chain";
import type { DataSource } from "typeorm";
import { openCliDatabase } from "../database/open-cli-database.js";
import { cliChains } from "../config/cli-chains.js";

export interface ReconcileParameters {
  env?: NodeJS.ProcessEnv;
  /** Use this database instead of opening one (tests). */
  dataSource?: DataSource;
  print?: (line: string) => void;
}

/**
 * `sigil reconcile`: compares the roles the chain follower indexed with direct registry reads at the
 * follower's position, for every configured chain (SIGIL_CHAINS, else the dev chain). Prints one JSON
 * report per chain, records an audit event for each divergence and returns false when any diverges.
 */
export async function reconcile({
  env = process.env,
  dataSource,
  print = console.log,
}: ReconcileParameters = {}) {
  const chains = new ChainClients((await cliChains(env)).chains);
  const database = dataSource ?? (await openCliDatabase(env));
  let clean = true;
  try {
    for (const chain of chains.all()) {
      const report = await reconcileRoles({ dataSource: database, chain });
      print(JSON.stringify(report, null, 2));
      if (report.divergent.length > 0) {
        clean = false;
        await recordDivergence(database, report);
      }
    }
  } finally {
    if (!dataSource) await database.destroy();
  }
  return clean;
}

/** The same audit event the service's periodic job writes. */
async function recordDivergence(dataSource: DataSource, report: ReconciliationReport): Promise<void> {
  await recordAuditEvent(dataSource.manager, {
    type: "role_index_divergence",
    outcome: "failure",
    chainId: report.chainId,
    requestId: "cli",
    data: { block: report.block, divergent: report.divergent },
    occurredAt: new Date(),
  });
}
