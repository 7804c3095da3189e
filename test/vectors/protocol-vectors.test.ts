// The verifier conformance vectors of docs/protocol.md (test/vectors/protocol/) run through today's
// verifier, @sigil/verify (what every adapter wraps), started against a local issuer that serves each case's JWKS and feed.
import { createSigilVerifier, refusalOf, type SigilVerifier, type SigilVerifierOptions } from "@sigil/verify";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

const dir = path.join(import.meta.dirname, "protocol");
const read = <T>(file: string): T => JSON.parse(readFileSync(path.join(dir, file), "utf8")) as T;

interface Answer {
  status: number;
  body?: unknown;
}
interface FeedPage extends Answer {
  query: Record<string, string>;
}
interface Expectation {
  verdict: "accept" | "refuse";
  principal?: Record<string, unknown>;
  status?: number;
  error?: string;
  reason?: string;
  headers?: Record<string, string>;
}
interface Feed {
  pages: FeedPage[];
  longPollMs?: number;
}
interface VectorRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  requiredScopes: string[];
  jwksFetches?: number;
  expect: Expectation;
}
interface VectorCase {
  id: string;
  description: string;
  jwks?: Answer[];
  feed?: Feed | null;
  requests: VectorRequest[];
}
interface Config {
  now: string;
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  jwksCooldownMs: number;
  revocations: { clientId: string; clientSecret: string; maxRoleSyncAgeMs: number };
  dpop: { publicUrl: string; maxProofAgeSeconds: number };
}

const config = read<Config>("config.json");
const defaultJwks = read<unknown>("jwks.json");
const EMPTY_FEED: Feed = {
  pages: [{ query: {}, status: 200, body: { revocations: [], cursor: "c0", more: false } }],
};
const FILES = ["tokens.json", "jwks-cases.json", "revocations.json", "role-sync.json", "dpop.json"];
const groups = FILES.map((file) => [file, read<{ cases: VectorCase[] }>(file).cases] as const);

/** The issuer side of one case: its JWKS answers in order (the last repeats) and its feed pages. */
class VectorIssuer {
  jwksFetches = 0;
  readonly feedQueries: Record<string, string>[] = [];
  readonly feedErrors: string[] = [];
  private server!: Server;

  constructor(
    private readonly jwks: Answer[],
    private readonly feed: Feed | null,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://issuer");
    if (url.pathname === "/.well-known/jwks.json") {
      this.jwksFetches += 1;
      return send(res, this.jwks[Math.min(this.jwksFetches, this.jwks.length) - 1]!);
    }
    if (url.pathname === "/v1/revocations" && this.feed) {
      const query = Object.fromEntries(url.searchParams);
      this.feedQueries.push(query);
      // RFC 6749 §2.3.1: id and secret are form-encoded before Base64 (the vector secret has a space and a colon).
      const basic = `${formEncode(config.revocations.clientId)}:${formEncode(config.revocations.clientSecret)}`;
      if (req.headers.authorization !== `Basic ${Buffer.from(basic).toString("base64")}`) {
        this.feedErrors.push("wrong client authentication");
        return send(res, { status: 401, body: { error: "invalid_client" } });
      }
      // Page i+1 answers `after=<cursor of page i>`; past the last page, an empty page.
      const index =
        query.after === undefined ? 0 : this.feed.pages.findIndex((p) => cursorOf(p) === query.after) + 1;
      const page = this.feed.pages[index];
      if (page === undefined) {
        // Caught up: hold the empty answer for `wait`, as the issuer does (the verifier polls again at once).
        const empty = { status: 200, body: { revocations: [], cursor: query.after, more: false } };
        const timer = setTimeout(() => send(res, empty), Number(query.wait ?? 0));
        res.on("close", () => clearTimeout(timer));
        return;
      }
      if (JSON.stringify(page.query) !== JSON.stringify(query))
        this.feedErrors.push(`unexpected query ${url.search}`);
      return send(res, page);
    }
    send(res, { status: 404 });
  }
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, "+");
}

function cursorOf(page: FeedPage): unknown {
  return (page.body as { cursor?: unknown } | undefined)?.cursor;
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, { "content-type": "application/json" });
  res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
}

async function bootVerifier(issuerUrl: string, feed: Feed | null): Promise<SigilVerifier> {
  const options: SigilVerifierOptions = {
    issuer: config.issuer,
    audience: config.audience,
    jwksUrl: `${issuerUrl}/.well-known/jwks.json`,
    clockToleranceSeconds: config.clockToleranceSeconds,
    jwksCooldownMs: config.jwksCooldownMs,
    now: () => new Date(config.now),
    dpop: { publicUrl: config.dpop.publicUrl, maxProofAgeSeconds: config.dpop.maxProofAgeSeconds },
    // Intervals long enough that no background poll or refresh runs while a case is checked.
    ...(feed
      ? {
          revocations: {
            url: `${issuerUrl}/v1/revocations`,
            clientId: config.revocations.clientId,
            clientSecret: config.revocations.clientSecret,
            maxRoleSyncAgeMs: config.revocations.maxRoleSyncAgeMs,
            intervalMs: 60_000,
            maxStalenessMs: 120_000,
            longPollMs: feed.longPollMs ?? 0,
          },
        }
      : {}),
  };
  const verifier = createSigilVerifier({ ...options, logger: { info: () => {}, warn: () => {} } });
  await verifier.start();
  return verifier;
}

interface Verdict {
  verdict: "accept" | "refuse";
  principal?: Record<string, unknown>;
  status?: number;
  error?: string;
  reason?: string;
  headers: Record<string, string>;
}

/** Runs one request through the verifier, and reads what the venue would answer. */
async function judge(verifier: SigilVerifier, request: VectorRequest): Promise<Verdict> {
  const req = {
    method: request.method,
    url: request.path,
    protocol: "https",
    headers: { host: new URL(config.dpop.publicUrl).host, ...request.headers },
  };
  let principal;
  try {
    principal = await verifier.verify(req as Parameters<SigilVerifier["verify"]>[0], request.requiredScopes);
  } catch (error) {
    const refusal = refusalOf(error, req as Parameters<typeof refusalOf>[1]);
    const { details } = error as { details?: { reason?: string } };
    return {
      verdict: "refuse",
      status: refusal?.status ?? 500,
      error: refusal?.body.error,
      ...(details?.reason === undefined ? {} : { reason: details.reason }),
      headers: Object.fromEntries(
        Object.entries(refusal?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      ),
    };
  }
  return {
    verdict: "accept",
    principal: {
      sub: principal.sub,
      address: principal.address,
      chainId: principal.chainId,
      scopes: [...principal.scopes].sort(),
      sid: principal.sid,
      jti: principal.jti,
      ...(principal.act ? { act: { ...principal.act } } : {}),
    },
    headers: {},
  };
}

function expected(e: Expectation): Verdict {
  if (e.verdict === "accept") {
    const principal = { ...e.principal, scopes: [...(e.principal!.scopes as string[])].sort() };
    return { verdict: "accept", principal, headers: {} };
  }
  return {
    verdict: "refuse",
    status: e.status!,
    error: e.error!,
    ...(e.reason === undefined ? {} : { reason: e.reason }),
    headers: e.headers ?? {},
  };
}

describe("V1: protocol vectors run through @sigil/verify", () => {
  it("V1: the vector set covers every case family docs/protocol.md names", () => {
    const ids = groups.flatMap(([, cases]) => cases.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(60);
  });

  for (const [file, cases] of groups) {
    describe(file, () => {
      it.each(cases.map((c) => [c.id, c] as const))("V1: %s", async (_id, vector) => {
        const feed = vector.feed === null ? null : (vector.feed ?? EMPTY_FEED);
        const issuer = new VectorIssuer(vector.jwks ?? [{ status: 200, body: defaultJwks }], feed);
        const url = await issuer.start();
        const verifier = await bootVerifier(url, feed);
        try {
          for (const [index, request] of vector.requests.entries()) {
            const verdict = await judge(verifier, request);
            expect({ request: index, ...verdict }).toEqual({ request: index, ...expected(request.expect) });
            if (request.jwksFetches !== undefined) {
              expect({ request: index, jwksFetches: issuer.jwksFetches }).toEqual({
                request: index,
                jwksFetches: request.jwksFetches,
              });
            }
          }
          expect(issuer.feedErrors).toEqual([]);
        } finally {
          verifier.close();
          await issuer.close();
        }
      });
    });
  }
});
