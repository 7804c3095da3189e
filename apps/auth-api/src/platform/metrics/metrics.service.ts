import { Injectable } from "@nestjs/common";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Outcome of a sign-in attempt as counted by `sigil_logins_total`. */
export type LoginOutcome = "success" | "failure";

/**
 * The Prometheus metrics of one auth-api instance. Each instance owns its own `Registry`
 * (tests run several apps in one process, so the global default registry is never used).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  /** HTTP request latency per route template (not per raw URL: bounded label cardinality). */
  readonly httpRequestDuration = new Histogram<"method" | "route" | "status">({
    name: "sigil_http_request_duration_seconds",
    help: "HTTP request latency by method, route template and status code",
    labelNames: ["method", "route", "status"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** Sign-in attempts by outcome (`success`/`failure`), failure reason and signature kind. */
  readonly loginsTotal = new Counter<"outcome" | "signature_kind" | "reason">({
    name: "sigil_logins_total",
    help: "Sign-in attempts by outcome, signature kind (eoa, eip1271, eip6492, unknown) and failure reason",
    labelNames: ["outcome", "signature_kind", "reason"],
    registers: [this.registry],
  });

  /** Access tokens issued by method (siwe, refresh, delegation, api_key). */
  readonly tokensIssued = new Counter<"method">({
    name: "sigil_tokens_issued_total",
    help: "Access tokens issued by grant method",
    labelNames: ["method"],
    registers: [this.registry],
  });

  /** Requests per batched write (group commit): how much load shares a commit. */
  readonly writeBatchSize = new Histogram<"statement">({
    name: "sigil_db_write_batch_size",
    help: "Requests per batched write: sign-ins per statement (login), nonces per insert (nonce), rotations per transaction (refresh)",
    labelNames: ["statement"],
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });
  /** Successful refresh-token rotations. */
  readonly tokensRefreshed = new Counter<never>({
    name: "sigil_tokens_refreshed_total",
    help: "Refresh tokens rotated",
    registers: [this.registry],
  });

  /** Sessions (with their tokens) revoked, by `RevocationReason`; counted in `SessionService.revokeWithin`. */
  readonly tokensRevoked = new Counter<"reason">({
    name: "sigil_tokens_revoked_total",
    help: "Sessions or tokens revoked by reason",
    labelNames: ["reason"],
    registers: [this.registry],
  });

  /** Reuse of an already-rotated refresh token (a theft signal: the family is revoked). */
  readonly refreshReuse = new Counter<never>({
    name: "sigil_refresh_reuse_total",
    help: "Reused (already rotated) refresh tokens detected",
    registers: [this.registry],
  });

  /** Requests refused by a rate limit or a ban, by limiter name and key kind. */
  readonly rateLimitRejections = new Counter<"limiter" | "key">({
    name: "sigil_rate_limit_rejections_total",
    help: "Requests refused by rate limiting, by limiter and key kind (ip, wallet, client, ban)",
    labelNames: ["limiter", "key"],
    registers: [this.registry],
  });

  /** Times the shared (Redis) limiter failed and the per-instance fallback decided instead. */
  readonly rateLimitFallbacks = new Counter<"limiter">({
    name: "sigil_rate_limit_fallbacks_total",
    help: "Rate-limit decisions taken by the per-instance fallback because the shared store failed",
    labelNames: ["limiter"],
    registers: [this.registry],
  });

  /** Typed security events by type (also written to the audit log). */
  readonly securityEvents = new Counter<"type">({
    name: "sigil_security_events_total",
    help: "Security events by type",
    labelNames: ["type"],
    registers: [this.registry],
  });

  /** Anomaly detector alerts by detector. */
  readonly securityAlerts = new Counter<"detector">({
    name: "sigil_security_alerts_total",
    help: "Anomaly alerts raised by detector",
    labelNames: ["detector"],
    registers: [this.registry],
  });

  /** Blocks between the chain head and the last block the follower applied. */
  readonly chainFollowerLagBlocks = new Gauge<"chain_id">({
    name: "sigil_chain_follower_lag_blocks",
    help: "Blocks between the chain head and the last block applied by the follower",
    labelNames: ["chain_id"],
    registers: [this.registry],
  });

  /** Failed JSON-RPC calls by chain and operation. */
  readonly chainRpcErrors = new Counter<"chain_id" | "operation">({
    name: "sigil_chain_rpc_errors_total",
    help: "Chain JSON-RPC errors by chain and operation",
    labelNames: ["chain_id", "operation"],
    registers: [this.registry],
  });

  /** On-chain role events applied to Postgres. */
  readonly roleEventsApplied = new Counter<"chain_id" | "event">({
    name: "sigil_chain_role_events_applied_total",
    help: "On-chain role/permission events applied, by chain and event name",
    labelNames: ["chain_id", "event"],
    registers: [this.registry],
  });

  /** Policy source reads by source id and outcome (holds, not_held, unavailable, error). */
  readonly policySourceReads = new Counter<"source" | "outcome">({
    name: "sigil_policy_source_reads_total",
    help: "Policy source reads by source and outcome (holds|not_held|unavailable|error)",
    labelNames: ["source", "outcome"],
    registers: [this.registry],
  });

  /** Policy source events the follower applied, by source id. */
  readonly policySourceEvents = new Counter<"source">({
    name: "sigil_policy_source_events_applied_total",
    help: "Policy source events applied by the follower, by source",
    labelNames: ["source"],
    registers: [this.registry],
  });

  /** Live sessions narrowed or revoked because of a chain change. */
  readonly sessionsNarrowedOrRevoked = new Counter<"chain_id" | "action">({
    name: "sigil_sessions_changed_by_chain_total",
    help: "Sessions narrowed or revoked after an on-chain role change (action = narrowed|revoked)",
    labelNames: ["chain_id", "action"],
    registers: [this.registry],
  });

  /** Grants found diverging from the chain at the last reconciliation run. */
  readonly reconciliationDivergence = new Gauge<"chain_id">({
    name: "sigil_reconciliation_divergence",
    help: "Sessions whose recorded roles diverged from the chain at the last reconciliation",
    labelNames: ["chain_id"],
    registers: [this.registry],
  });

  /** Live sessions found holding a scope a direct read did not allow at the last reconciliation (then narrowed). */
  readonly reconciliationSessionDivergence = new Gauge<"chain_id">({
    name: "sigil_reconciliation_session_divergence",
    help: "Live sessions holding a scope a direct read did not allow at the last reconciliation (narrowed)",
    labelNames: ["chain_id"],
    registers: [this.registry],
  });

  /** Reconciliation runs by outcome. */
  readonly reconciliationRuns = new Counter<"chain_id" | "outcome">({
    name: "sigil_reconciliation_runs_total",
    help: "Reconciliation runs by chain and outcome",
    labelNames: ["chain_id", "outcome"],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "sigil_process_" });
  }

  /** The exposition text for `GET /metrics`. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
