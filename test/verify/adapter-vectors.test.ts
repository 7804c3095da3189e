// The protocol vectors (docs/protocol.md §10) sent over HTTP to an Express and a Fastify app behind
// @sigil/verify's adapters: each must answer on the wire what the verifier decides.
import { request as httpRequest } from "node:http";
import { type AdapterName, REQUIRED_SCOPES_HEADER, vectorApp } from "./support/adapter-apps.js";
import {
  type Expectation,
  startVectorCase,
  vectorConfig,
  vectorGroups,
  type VectorRequest,
} from "../vectors/support/vector-issuer.js";

interface WireVerdict {
  verdict: "accept" | "refuse";
  principal?: Record<string, unknown>;
  status?: number;
  error?: string;
  headers: Record<string, string>;
}

/** Sends one vector request (a header given as a list is repeated on the wire) and reads the answer. */
function send(
  baseUrl: string,
  vector: VectorRequest,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: vector.method,
        path: vector.path,
        headers: {
          ...vector.headers,
          host: new URL(vectorConfig.dpop.publicUrl).host,
          [REQUIRED_SCOPES_HEADER]: JSON.stringify(vector.requiredScopes),
        },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function judge(baseUrl: string, vector: VectorRequest): Promise<WireVerdict> {
  const answer = await send(baseUrl, vector);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  if (answer.status === 200) return { verdict: "accept", principal: body, headers: {} };
  const headers: Record<string, string> = {};
  for (const name of ["www-authenticate", "retry-after"])
    if (answer.headers[name] !== undefined) headers[name] = String(answer.headers[name]);
  return { verdict: "refuse", status: answer.status, error: body.error as string, headers };
}

function expected(e: Expectation): WireVerdict {
  if (e.verdict === "accept") {
    const principal = { ...e.principal, scopes: [...(e.principal!.scopes as string[])].sort() };
    return { verdict: "accept", principal, headers: {} };
  }
  // `reason` is the verifier's internal reason, not sent on the wire.
  return { verdict: "refuse", status: e.status!, error: e.error!, headers: e.headers ?? {} };
}

describe.each<AdapterName>(["express", "fastify"])(
  "V1: protocol vectors over HTTP through the %s adapter",
  (adapter) => {
    for (const [file, cases] of vectorGroups) {
      describe(file, () => {
        it.each(cases.map((c) => [c.id, c] as const))("V1: %s", async (_id, vector) => {
          const issuer = await startVectorCase(vector);
          const app = await vectorApp(adapter, issuer.verifier);
          try {
            for (const [index, request] of vector.requests.entries()) {
              const verdict = await judge(app.url, request);
              expect({ request: index, ...verdict }).toEqual({ request: index, ...expected(request.expect) });
            }
            expect(issuer.feedErrors).toEqual([]);
          } finally {
            await app.close();
            await issuer.close();
          }
        });
      });
    }
  },
);
