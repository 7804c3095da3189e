import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from "@nestjs/common";
import { appliesTo, type ChainClient, ChainClients, followRoleEvents, readBlockLinks } from "@sigil/chain";
import {
  describeDatabase,
  TypeormRoleEventStore,
  reconcileRoles,
  type ReconciliationReport,
} from "@sigil/persistence";
import { DataSource } from "typeorm";
import { isAddressEqual } from "viem";
import type { NamedPolicySource } from "@sigil/core";
import { AuditService } from "../platform/audit/audit.service.js";
import { AppConfig } from "@sigil/config";
import { MetricsService } from "../platform/metrics/metrics.service.js";
import { SessionService } from "../sessions/session.service.js";
import { AccessReaderService } from "../chain/access-reader.service.js";
import { ChainSessionEffects, ROLE_SYNC_REQUEST_ID, type ReadGroupAccess } from "./chain-session-effects.js";
import { AdvisoryLeaderLock, InProcessLeaderLock, type LeaderLock } from "./leader-lock.js";
import { RoleSyncStatusService } from "./role-sync-status.service.js";
import { reconcileSessions, type SessionReconciliationReport } from "./reconcile-sessions.js";

/** Ranges applied per step before yielding (catch-up continues on the next, immediate, step). */
const BATCHES_PER_STEP = 10;
/** Divergent sessions listed in one `session_scope_divergence` audit event. */
const MAX_AUDITED_DIVERGENCES = 100;

/**
 * Follows every configured chain's registry and applies role changes to live sessions. Every
 * instance runs one loop per chain; only the holder of that chain's leader lock follows, the others
 * retry the lock and take over within `leaderRetryMs` of the leader's death.
 */
@Injectable()
export class RoleSyncService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly followers = new Map<number, ChainFollower>();

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly chains: ChainClients,
    private readonly sessions: SessionService,
    private readonly metrics: MetricsService,
    private readonly status: RoleSyncStatusService,
    private readonly audit: AuditService,
    private readonly access: AccessReaderService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.roleSync.enabled) return;
    const database = describeDatabase(this.dataSource);
    const url = (this.dataSource.options as { url?: string }).url;
    for (const chain of this.chains.all()) {
      const lock: LeaderLock =
        database.kind === "postgres" && url
          ? new AdvisoryLeaderLock(url, chain.chainId)
          : new InProcessLeaderLock(this.dataSource, chain.chainId);
      const follower = new ChainFollower({
        chain,
        lock,
        config: this.config,
        dataSource: this.dataSource,
        sessions: this.sessions,
        metrics: this.metrics,
        status: this.status,
        reconcile: (followed) => this.reconcile(followed),
        readAccess: (group) =>
          this.access.readAt({
            chainId: group.chainId,
            address: group.address,
            walletKind: group.walletKind,
            pinned: group.at,
          }),
      });
      this.followers.set(chain.chainId, follower);
      follower.start();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.followers.values()].map((follower) => follower.stop()));
  }

  /** The follower of `chainId` in this instance (tests and health). */
  follower(chainId: number): ChainFollower | undefined {
    return this.followers.get(chainId);
  }

  /**
   * Compares indexed roles, and live sessions' scopes (narrowing those that hold too much), with
   * direct reads now; records each divergence as a metric and an audit event.
   */
  async reconcile(
    chain: ChainClient,
  ): Promise<ReconciliationReport & { sessions?: SessionReconciliationReport }> {
    const label = { chain_id: String(chain.chainId) };
    try {
      const report = await reconcileRoles({ dataSource: this.dataSource, chain });
      this.metrics.reconciliationDivergence.set(label, report.divergent.length);
      if (report.divergent.length > 0) {
        await this.audit.record(this.dataSource.manager, {
          type: "role_index_divergence",
          outcome: "failure",
          chainId: chain.chainId,
          requestId: ROLE_SYNC_REQUEST_ID,
          occurredAt: new Date(),
          data: { block: report.block, divergent: report.divergent },
        });
      }
      const sessions = await this.followers.get(chain.chainId)?.reconcileSessions();
      if (sessions) await this.recordSessionDivergence(sessions);
      this.metrics.reconciliationRuns.inc({
        ...label,
        outcome: report.divergent.length || sessions?.divergent.length ? "divergent" : "ok",
      });
      return { ...report, ...(sessions ? { sessions } : {}) };
    } catch (error) {
      this.metrics.reconciliationRuns.inc({ ...label, outcome: "error" });
      throw error;
    }
  }

  private async recordSessionDivergence(report: SessionReconciliationReport): Promise<void> {
    this.metrics.reconciliationSessionDivergence.set(
      { chain_id: String(report.chainId) },
      report.divergent.length,
    );
    if (report.divergent.length === 0) return;
    await this.audit.record(this.dataSource.manager, {
      type: "session_scope_divergence",
      outcome: "failure",
      chainId: report.chainId,
      requestId: ROLE_SYNC_REQUEST_ID,
      occurredAt: new Date(),
      // Each narrowed session has its own session_narrowed event; this one stays bounded.
      data: {
        count: report.divergent.length,
        divergent: report.divergent.slice(0, MAX_AUDITED_DIVERGENCES),
      },
    });
  }
}

/** What one chain's follow loop works with. */
export interface ChainFollowerParameters {
  chain: ChainClient;
  lock: LeaderLock;
  config: AppConfig;
  dataSource: DataSource;
  sessions: SessionService;
  metrics: MetricsService;
  status: RoleSyncStatusService;
  reconcile: (chain: ChainClient) => Promise<unknown>;
  readAccess: ReadGroupAccess;
}

/** One chain's follow loop in one instance. */
export class ChainFollower {
  readonly chain: ChainClient;
  readonly lock: LeaderLock;
  private readonly logger: Logger;
  private readonly effects: ChainSessionEffects;
  private readonly policySources: NamedPolicySource[];
  private store: TypeormRoleEventStore | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** A new head arrived while a step ran: step again at once. */
  private nudged = false;
  private unwatchHeads: (() => void) | undefined;
  private stopped = false;
  private nextLeaderTry = 0;
  private nextReconcile: number;
  /** When this leader last told the other instances (chain_cursors.updated_at) that roles are confirmed. */
  private lastTouch = 0;
  private failing = false;
  /** Whether this instance follows the chain now. */
  leader = false;
  /** Completed steps while leader (tests wait on it). */
  steps = 0;

  constructor(private readonly p: ChainFollowerParameters) {
    this.chain = p.chain;
    this.lock = p.lock;
    this.logger = new Logger(`RoleSync:${p.chain.chainId}`);
    const sources = Object.values(p.config.policy.sources).filter(
      (source) => source.chain === p.chain.chainId,
    );
    // The registry at the chain's configured address is the store's own; every other source is followed beside it.
    this.policySources = sources.filter(
      (source) =>
        !(source.kind === "sigil-registry" && isAddressEqual(source.address, p.chain.config.registry)),
    );
    this.effects = new ChainSessionEffects({
      ...p,
      signInChains: p.config.chains
        .map(({ chainId }) => chainId)
        .filter((chainId) =>
          sources.some((source) =>
            (["eoa", "eip1271"] as const).some((walletKind) =>
              appliesTo(source, { signInChainId: chainId, walletKind }),
            ),
          ),
        ),
    });
    this.nextReconcile = Date.now() + p.config.roleSync.reconcileIntervalMs;
  }

  start(): void {
    this.schedule(0);
    // New heads by subscription where the chain has a wsUrl: a step as soon as a block lands, with
    // polling every pollMs left as the fallback.
    this.unwatchHeads = this.chain.watchHeads({
      onHead: () => this.nudge(),
      onError: (error) => this.logger.warn(`new-heads subscription: ${error.message}; polling meanwhile`),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatchHeads?.();
    clearTimeout(this.timer);
    await this.running;
    await this.lock.release();
    this.leader = false;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.nudged = false;
      this.running = this.step().then((more) => {
        this.running = undefined;
        this.schedule(more || this.nudged ? 0 : this.p.config.roleSync.pollMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Steps now, or right after the step under way. */
  private nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.nudged = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  /** One step; true when there is more to catch up on right away. */
  private async step(): Promise<boolean> {
    const { config, dataSource, metrics, status } = this.p;
    const chainLabel = { chain_id: String(this.chain.chainId) };
    if (!(await this.ensureLeadership())) return false;
    try {
      this.store ??= new TypeormRoleEventStore({
        dataSource,
        identity: {
          genesisHash: (await readBlockLinks(this.chain, [0n]))[0]!.hash,
          registryAddress: this.chain.config.registry,
        },
        effects: this.effects,
      });
      const result = await followRoleEvents({
        chain: this.chain,
        store: this.store,
        confirmations: this.chain.config.confirmations ?? 0,
        fromBlock: BigInt(this.chain.config.fromBlock ?? 0),
        maxRange: this.chain.config.logRange ?? 1_000,
        maxBatches: BATCHES_PER_STEP,
        policySources: this.policySources,
      });
      if (result.position) {
        await this.effects.recheckRecent(result.position);
        await this.effects.recheckLapsed(result.position);
        // Other instances read the confirmation from the cursor row; as often as they look is enough.
        if (Date.now() - this.lastTouch >= status.refreshEveryMs) {
          await this.store.touch(this.chain.chainId);
          this.lastTouch = Date.now();
        }
        status.confirmed(this.chain.chainId, new Date());
      }
      metrics.chainFollowerLagBlocks.set(chainLabel, Number(result.lag));
      if (result.rewound)
        this.logger.warn(`reorg below block ${result.position?.number ?? "start"}: rewound and re-applied`);
      if (this.failing) this.logger.log("following again");
      this.failing = false;
      this.steps += 1;
      if (config.roleSync.reconcileIntervalMs > 0 && Date.now() >= this.nextReconcile) {
        this.nextReconcile = Date.now() + config.roleSync.reconcileIntervalMs;
        await this.p.reconcile(this.chain);
      }
      return result.lag > 0n;
    } catch (error) {
      metrics.chainRpcErrors.inc({ ...chainLabel, operation: "follow" });
      if (!this.failing)
        this.logger.warn(`following failed: ${error instanceof Error ? error.message : String(error)}`);
      this.failing = true;
      return false;
    }
  }

  /** Checks every live session this chain's sources speak for against a direct read now; narrows what diverges. */
  reconcileSessions(pageSize?: number): Promise<SessionReconciliationReport> {
    return reconcileSessions({
      chain: this.chain,
      dataSource: this.p.dataSource,
      effects: this.effects,
      ...(pageSize ? { pageSize } : {}),
    });
  }

  private async ensureLeadership(): Promise<boolean> {
    if (this.leader) {
      if (await this.lock.stillHeld()) return true;
      this.leader = false;
      this.logger.warn("lost the leader lock: following stops here");
      return false;
    }
    if (Date.now() < this.nextLeaderTry) return false;
    this.nextLeaderTry = Date.now() + this.p.config.roleSync.leaderRetryMs;
    this.leader = await this.lock.tryAcquire();
    if (this.leader) this.logger.log("leading: following this chain");
    return this.leader;
  }
}
