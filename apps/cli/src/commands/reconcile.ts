import { loadConfig } from "@sigil/config";
import { reconcileRoles, type ReconciliationReport, recordAuditEvent } from "@sigil/persistence";
import { ChainClients, type ChainConfig } from "@sigil/chain";
import { DEV_CHAIN_ID } from "@sigil/chain/dev";
import path from "node:path";
import type { DataSource } from "typeorm";
import { openCliDatabase } from "../database/open-cli-database.js";
import { readDeployment } from "../dev/ensure-dev-contracts.js";
import { repoRoot } from "../dev/repo-root.js";

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
  const chains = new ChainClients(await chainsOf(env));
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

async function chainsOf(env: NodeJS.ProcessEnv): Promise<ChainConfig[]> {
  if (env.SIGIL_CHAINS) return loadConfig(env).chains;
  const dataDir = path.resolve(env.SIGIL_DATA_DIR ?? path.join(repoRoot(), ".data"));
  const deployment = await readDeployment(path.join(dataDir, "dev-chain.json"));
  if (!deployment) throw new Error("no chain: set SIGIL_CHAINS, or start dev mode (npm start) first");
  return [
    {
      chainId: DEV_CHAIN_ID,
      name: "dev",
      rpcUrls: [`http://127.0.0.1:${env.SIGIL_DEV_CHAIN_PORT ?? 8545}`],
      registry: deployment.registry,
      timeoutMs: 5_000,
    },
  ];
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
