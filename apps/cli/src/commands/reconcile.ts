import {
  compareSessions,
  reconcileRoles,
  type ReconciliationReport,
  recordAuditEvent,
  type SessionComparison,
  type SessionDivergence,
  sessionGroupKey,
} from "@sigil/persistence";
import { ChainClients, readLatestBlock, readPolicy } from "@sigil/chain";
import type { Policy } from "@sigil/core";
import type { DataSource } from "typeorm";
import { openCliDatabase } from "../database/open-cli-database.js";
import { cliChains } from "../config/cli-chains.js";

/** Session groups read per page, as the service's reconciliation does. */
const PAGE_SIZE = 500;
/** Divergent sessions listed in one audit event (each is also in the printed report). */
const MAX_AUDITED_DIVERGENCES = 100;

export interface ReconcileParameters {
  env?: NodeJS.ProcessEnv;
  /** Use this database instead of opening one (tests). */
  dataSource?: DataSource;
  print?: (line: string) => void;
}

/** Live sessions compared with a direct read of the whole policy (every source, on every chain). */
export interface SessionCheckReport {
  sessions: SessionComparison;
}

/**
 * `sigil reconcile`: compares the roles the chain follower indexed with direct registry reads at the
 * follower's position, for every configured chain (SIGIL_CHAINS, else the dev chain), then every live
 * session's scopes with a direct read of the whole policy. Prints one JSON report per chain and one for
 * sessions, records an audit event for each divergence and returns false when any diverges. It changes
 * no session: narrowing is the service's periodic reconciliation.
 */
export async function reconcile({
  env = process.env,
  dataSource,
  print = console.log,
}: ReconcileParameters = {}) {
  const { chains: configs, policy } = await cliChains(env);
  const chains = new ChainClients(configs);
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
    const sessions = await checkSessions({ dataSource: database, chains, policy });
    print(JSON.stringify(sessions, null, 2));
    if (sessions.sessions.divergent.length > 0) {
      clean = false;
      await recordSessionDivergence(database, sessions.sessions.divergent);
    }
  } finally {
    if (!dataSource) await database.destroy();
  }
  return clean;
}

/** Every live session group, page by page, each page's reads at one latest block per chain. */
async function checkSessions(p: {
  dataSource: DataSource;
  chains: ChainClients;
  policy: Policy;
}): Promise<SessionCheckReport> {
  const sessions = await compareSessions({
    dataSource: p.dataSource,
    signInChains: p.chains.all().map((chain) => chain.chainId),
    pageSize: PAGE_SIZE,
    now: () => new Date(),
    read: async (groups) => {
      const heads = new Map(
        p.chains.all().map((chain) => {
          const head = readLatestBlock(chain);
          // A chain no group reads may be down: its rejection must not go unhandled.
          head.catch(() => undefined);
          return [chain.chainId, head] as const;
        }),
      );
      const now = new Date();
      const read = await Promise.all(
        groups.map(async (group) => {
          const { evaluation, blocks, readings } = await readPolicy({
            policy: p.policy,
            account: group.address,
            signInChainId: group.chainId,
            walletKind: group.walletKind,
            chain: (chainId) => p.chains.get(chainId),
            blockOf: (chain) => heads.get(chain.chainId)!,
            now,
          });
          const unavailable = Object.values(readings).flatMap((reading) =>
            reading.unavailable ? [reading.source] : [],
          );
          const access = { scopes: evaluation.scopes, block: blocks.get(group.chainId)!, unavailable };
          return [sessionGroupKey(group), { group, access }] as const;
        }),
      );
      return new Map(read);
    },
  });
  return { sessions };
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

/** One `session_scope_divergence` per sign-in chain, as the service's reconciliation records them. */
async function recordSessionDivergence(
  dataSource: DataSource,
  divergent: SessionDivergence[],
): Promise<void> {
  for (const chainId of new Set(divergent.map((entry) => entry.chainId))) {
    const onChain = divergent.filter((entry) => entry.chainId === chainId);
    await recordAuditEvent(dataSource.manager, {
      type: "session_scope_divergence",
      outcome: "failure",
      chainId,
      requestId: "cli",
      data: { count: onChain.length, divergent: onChain.slice(0, MAX_AUDITED_DIVERGENCES) },
      occurredAt: new Date(),
    });
  }
}
