// HTTP servers in front of (or instead of) a JSON-RPC node, to see what a verification sends.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One JSON-RPC call as the proxy saw it. */
export interface RecordedCall {
  method: string;
  params: unknown[];
}

/** A proxy to `target` recording every JSON-RPC call and every HTTP request it forwards. */
export interface RecordingProxy {
  url: string;
  /** Calls in arrival order; batches are flattened. */
  calls: RecordedCall[];
  /** HTTP requests (round trips) forwarded. */
  requests: number;
  close(): Promise<void>;
}

/** Starts a {@link RecordingProxy} on 127.0.0.1. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const proxy = { calls: [] as RecordedCall[], requests: 0 };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const parsed = JSON.parse(body) as RecordedCall | RecordedCall[];
    proxy.requests += 1;
    for (const call of Array.isArray(parsed) ? parsed : [parsed]) {
      proxy.calls.push({ method: call.method, params: call.params ?? [] });
    }
    const upstream = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    res.writeHead(upstream.status, { "content-type": "application/json" });
    res.end(await upstream.text());
  });
  return Object.assign(proxy, await listen(server));
}

/** A server that accepts connections and requests but never answers: a hung RPC. */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  return listen(createServer(() => undefined));
}

/** A server counting the requests it gets (answering 404), e.g. as a CCIP-Read gateway. */
export async function startCountingServer(): Promise<{
  url: string;
  hits: () => number;
  close(): Promise<void>;
}> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(404).end();
  });
  return { ...(await listen(server)), hits: () => hits };
}

async function listen(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
