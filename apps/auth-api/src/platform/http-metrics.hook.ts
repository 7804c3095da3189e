import { header, type HttpReply, type HttpRequest, routeOf } from "./http/http-types.js";
import type { SecurityEventsService } from "./security-events/security-events.service.js";
import type { MetricsService } from "./metrics/metrics.service.js";

/**
 * Fastify `onResponse` hook timing every request into `sigil_http_request_duration_seconds`,
 * labelled by the matched route template (unmatched paths share one label, so scanners cannot add
 * series). A 403 on an authenticated call is a scope-escalation attempt.
 */
export function httpMetrics(metrics: MetricsService, events: SecurityEventsService) {
  return (request: HttpRequest, reply: HttpReply, done: () => void): void => {
    const route = routeOf(request);
    const status = reply.statusCode;
    metrics.httpRequestDuration.observe(
      { method: request.method, route, status: String(status) },
      reply.elapsedTime / 1000,
    );
    if (status === 403 && header(request, "authorization")) {
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
    done();
  };
}
