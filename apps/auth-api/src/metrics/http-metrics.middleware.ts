import type { NextFunction, Request, Response } from "express";
import type { SecurityEventsService } from "../security-events/security-events.service.js";
import type { MetricsService } from "./metrics.service.js";

/**
 * Express middleware timing every request into `sigil_http_request_duration_seconds`, labelled by
 * the matched route template (unmatched paths share one label, so scanners cannot add series).
 * A 403 on an authenticated call is a scope-escalation attempt.
 */
export function httpMetrics(metrics: MetricsService, events: SecurityEventsService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.on("finish", () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? "unmatched";
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequestDuration.observe(
        { method: request.method, route, status: String(response.statusCode) },
        seconds,
      );
      if (response.statusCode === 403 && request.header("authorization")) {
        void events.emit({
          type: "scope_escalation",
          reason: "insufficient_scope",
          subject: request.principal?.claims.sub ?? null,
          clientAddress: request.ip ?? null,
          requestId: request.id ?? null,
          data: { method: request.method, route },
          occurredAt: new Date(),
        });
      }
    });
    next();
  };
}
