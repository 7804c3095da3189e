import Fastify, { type FastifyInstance } from "fastify";
import { connect, type Socket } from "node:net";
import { Agent, request as httpRequest } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { drainOnClose } from "./graceful-close.js";

/**
 * A listening server with a route that answers after `?ms=` milliseconds; `handling` resolves once
 * a request is in its handler (so a test closes with that request in flight, not still arriving).
 */
async function slowServer(graceMs: number) {
  const fastify: FastifyInstance = Fastify({ return503OnClosing: false });
  drainOnClose(fastify, graceMs);
  let handled: () => void = () => undefined;
  const handling = new Promise<void>((resolve) => (handled = resolve));
  fastify.get("/slow", async (request) => {
    handled();
    await sleep(Number((request.query as { ms: string }).ms));
    return { done: true };
  });
  await fastify.listen({ port: 0, host: "127.0.0.1" });
  return { fastify, handling, port: (fastify.server.address() as { port: number }).port };
}

function get(port: number, ms: number) {
  return new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
    // A keep-alive client: only the server's `Connection: close` ends its socket.
    const agent = new Agent({ keepAlive: true });
    const req = httpRequest({ host: "127.0.0.1", port, path: `/slow?ms=${ms}`, agent }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("drainOnClose", () => {
  it("lets a request in flight finish, answered with Connection: close, before close() resolves", async () => {
    const { fastify, handling, port } = await slowServer(5_000);
    const answer = get(port, 300);
    await handling;
    const started = performance.now();
    await fastify.close();
    const closedAfter = performance.now() - started;
    await expect(answer).resolves.toEqual({ status: 200, connection: "close", body: '{"done":true}' });
    expect(closedAfter).toBeGreaterThanOrEqual(250);
  });

  it("refuses new connections from the moment close() starts, while a request in flight finishes", async () => {
    const { fastify, handling, port } = await slowServer(5_000);
    const answer = get(port, 500);
    await handling;
    const closed = fastify.close();
    await sleep(50);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve("accepted");
      });
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(refused).toBe("ECONNREFUSED");
    await expect(answer).resolves.toEqual({ status: 200, connection: "close", body: '{"done":true}' });
    await closed;
  });

  it("does not wait for a connected socket that never sent a request", async () => {
    const { fastify, port } = await slowServer(5_000);
    const socket: Socket = connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    const ended = new Promise((resolve) => socket.once("close", resolve));
    const started = performance.now();
    await fastify.close();
    await ended;
    // Node's headers timeout would hold it for about a minute.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("ends a request that outlives the grace period", async () => {
    const { fastify, handling, port } = await slowServer(100);
    const answer = get(port, 3_000);
    await handling;
    const started = performance.now();
    await fastify.close();
    expect(performance.now() - started).toBeLessThan(1_500);
    await expect(answer).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});
