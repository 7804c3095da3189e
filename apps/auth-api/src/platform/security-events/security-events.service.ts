import { Injectable } from "@nestjs/common";
import type { Logger } from "pino";
import { DataSource } from "typeorm";
import { AuditService } from "../audit/audit.service.js";
import { AppConfig } from "@sigil/config";
import { AppLogger } from "../logging/app-logger.js";
import { MetricsService } from "../metrics/metrics.service.js";
import { BurstDetector } from "./burst-detector.js";
import type { SecurityEvent, SecurityEventType } from "./security-event.js";

/** Event types whose bursts per wallet or client address raise an alert. */
const FAILURE_TYPES: ReadonlySet<SecurityEventType> = new Set([
  "login_failed",
  "nonce_replay",
  "signature_failed",
  "scope_escalation",
]);

/**
 * The typed stream of security events: each is counted (`sigil_security_events_total`), logged as
 * one structured line, and appended to the hash-chained audit log; bursts of failures per wallet
 * or client address raise an `alert` event and, when configured, a webhook call.
 */
@Injectable()
export class SecurityEventsService {
  private readonly logger: Logger;
  private readonly bursts: BurstDetector;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    appLogger: AppLogger,
  ) {
    this.logger = appLogger.pino.child({ component: "security" });
    this.bursts = new BurstDetector({ threshold: config.abuse.failureBurst, windowMs: 60_000 });
  }

  /** Records an event. `audited: true` when the caller already wrote its audit row in its own transaction. */
  async emit(event: SecurityEvent, options: { audited?: boolean } = {}): Promise<void> {
    this.metrics.securityEvents.inc({ type: event.type });
    this.logger.warn({ securityEvent: describe(event) }, `security event ${event.type}: ${event.reason}`);
    if (!options.audited) await this.write(event);
    if (FAILURE_TYPES.has(event.type)) await this.detect(event);
  }

  private async detect(event: SecurityEvent): Promise<void> {
    const now = event.occurredAt.getTime();
    const keys = [
      event.subject ? ["wallet", event.subject.toLowerCase()] : undefined,
      event.clientAddress ? ["client_address", event.clientAddress] : undefined,
    ].filter((key): key is string[] => key !== undefined);
    for (const [kind, value] of keys) {
      if (!this.bursts.record(`${kind}:${value}`, now)) continue;
      const detector = `failure_burst_per_${kind}`;
      this.metrics.securityAlerts.inc({ detector });
      const alert: SecurityEvent = {
        type: "alert",
        reason: detector,
        subject: kind === "wallet" ? event.subject : null,
        clientAddress: event.clientAddress ?? null,
        requestId: event.requestId ?? null,
        data: { threshold: this.config.abuse.failureBurst, windowSeconds: 60, lastEvent: event.type },
        occurredAt: event.occurredAt,
      };
      await this.emit(alert);
      this.notify(alert);
    }
  }

  private async write(event: SecurityEvent): Promise<void> {
    try {
      await this.dataSource.transaction((manager) =>
        this.audit.record(manager, {
          type: `security.${event.type}`,
          outcome: event.type === "alert" || event.type === "ban" ? "info" : "failure",
          subject: event.subject ?? null,
          chainId: event.chainId ?? null,
          requestId: event.requestId ?? null,
          data: describe(event),
          occurredAt: event.occurredAt,
        }),
      );
    } catch (error) {
      // The request already failed for its own reason; a lost audit row is logged, not thrown.
      this.logger.error({ err: error, securityEvent: describe(event) }, "could not audit a security event");
    }
  }

  /** Fire-and-forget POST of an alert to SIGIL_ALERT_WEBHOOK_URL (2 s timeout). */
  private notify(alert: SecurityEvent): void {
    const url = this.config.abuse.alertWebhookUrl;
    if (!url) return;
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        source: "sigil",
        ...describe(alert),
        occurredAt: alert.occurredAt.toISOString(),
      }),
      signal: AbortSignal.timeout(2_000),
    }).catch((error: unknown) => this.logger.warn({ err: error }, "alert webhook failed"));
  }
}

function describe(event: SecurityEvent): Record<string, unknown> {
  return {
    type: event.type,
    reason: event.reason,
    subject: event.subject ?? null,
    chainId: event.chainId ?? null,
    clientAddress: event.clientAddress ?? null,
    requestId: event.requestId ?? null,
    ...(event.data ? { details: event.data } : {}),
  };
}
