// A JSON-RPC proxy that can hold requests until released: to stop a request mid-flight at its
// chain read and do something else meanwhile.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface HoldingRpc {
  url: string;
  /** From now on every request waits at the proxy until {@link release}. */
  hold(): void;
  /** Resolves once a request is waiting at the proxy. */
  held(): Promise<void>;
  /** Forwards the waiting requests and stops holding. */
  release(): void;
  close(): Promise<void>;
}

/** Starts a {@link HoldingRpc} on 127.0.0.1 in front of `target`. */
export async function startHoldingRpc(target: string): Promise<HoldingRpc> {
  let gate: Promise<void> | undefined;
  let open = () => {};
  let arrived = () => {};
  let arrival = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (gate) {
      arrived();
      await gate;
    }
    try {
      const upstream = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: Buffer.concat(chunks),
      });
      res.writeHead(upstream.status, { "content-type": "application/json" });
      res.end(await upstream.text());
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold() {
      arrival = new Promise<void>((resolve) => (arrived = resolve));
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    held: () => arrival,
    release() {
      gate = undefined;
      open();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
