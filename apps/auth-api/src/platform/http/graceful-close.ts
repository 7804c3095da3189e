import type { FastifyInstance } from "fastify";
import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** How long `close()` lets requests in flight finish before it ends their connections. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Graceful close for a Fastify server (SIGTERM, `app.close()`): once closing, no new connection is
 * accepted, every response says `Connection: close` and idle keep-alive sockets are closed; requests in flight get up to
 * `graceMs` to finish (a committed token rotation reaches its client); then every connection left
 * is ended. Without the last step a socket that never sent a request holds the server open until
 * Node's headers timeout (about 70 s), since Node does not count it as idle.
 */
export function drainOnClose(fastify: FastifyInstance, graceMs = SHUTDOWN_GRACE_MS): void {
  // Responses not yet finished. Marking them at close time keeps the hot path to one listener.
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  fastify.server.on("request", (_request, response: ServerResponse) => {
    if (closing) response.setHeader("Connection", "close");
    inFlight.add(response);
    response.once("close", () => inFlight.delete(response));
  });
  fastify.addHook("preClose", async () => {
    closing = true;
    // Stop accepting connections now, not after the grace period: a load balancer still sending
    // here gets a refused connection, which it retries elsewhere, rather than a request that may
    // be cut off. Fastify's own server.close() later is then a no-op it expects.
    if (fastify.server.listening) fastify.server.close();
    for (const response of inFlight) if (!response.headersSent) response.setHeader("Connection", "close");
    const deadline = performance.now() + graceMs;
    while (inFlight.size > 0 && performance.now() < deadline) {
      fastify.server.closeIdleConnections();
      await sleep(10);
    }
    fastify.server.closeAllConnections();
  });
}
