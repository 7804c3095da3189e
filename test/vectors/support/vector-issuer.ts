// The issuer side of the protocol vectors (test/vectors/protocol/README.md), for running them
// through an adapter over HTTP; the same serving rules as test/vectors/protocol-vectors.test.ts.
import { createSigilVerifier, type SigilVerifier } from "@sigil/verify";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

const dir = path.join(import.meta.dirname, "..", "protocol");
const read = <T>(file: string): T => JSON.parse(readFileSync(path.join(dir, file), "utf8")) as T;

export interface Answer {
  status: number;
  body?: unknown;
}
interface FeedPage extends Answer {
  query: Record<string, string>;
}
export interface Feed {
  pages: FeedPage[];
  longPollMs?: number;
}
export interface Expectation {
  verdict: "accept" | "refuse";
  principal?: Record<string, unknown>;
  status?: number;
  error?: string;
  reason?: string;
  headers?: Record<string, string>;
}
export interface VectorRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  requiredScopes: string[];
  /** JWKS requests the issuer has seen once this request is judged. */
  jwksFetches?: number;
  expect: Expectation;
}
export interface VectorCase {
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

export const vectorConfig = read<Config>("config.json");
const defaultJwks = read<unknown>("jwks.json");
const EMPTY_FEED: Feed = {
  pages: [{ query: {}, status: 200, body: { revocations: [], cursor: "c0", more: false } }],
};
const FILES = ["tokens.json", "jwks-cases.json", "revocations.json", "role-sync.json", "dpop.json"];

/** Every vector case, by file. */
export const vectorGroups = FILES.map((file) => [file, read<{ cases: VectorCase[] }>(file).cases] as const);

/** One case's issuer (its JWKS answers and feed pages) on a local port, and a verifier started against it. */
export async function startVectorCase(
  vector: VectorCase,
): Promise<{ verifier: SigilVerifier; feedErrors: string[]; jwksFetches(): number; close(): Promise<void> }> {
  const feed = vector.feed === null ? null : (vector.feed ?? EMPTY_FEED);
  const issuer = new VectorIssuer(vector.jwks ?? [{ status: 200, body: defaultJwks }], feed);
  const url = await issuer.start();
  const config = vectorConfig;
  const verifier = createSigilVerifier({
    issuer: config.issuer,
    audience: config.audience,
    jwksUrl: `${url}/.well-known/jwks.json`,
    clockToleranceSeconds: config.clockToleranceSeconds,
    jwksCooldownMs: config.jwksCooldownMs,
    now: () => new Date(config.now),
    dpop: { publicUrl: config.dpop.publicUrl, maxProofAgeSeconds: config.dpop.maxProofAgeSeconds },
    logger: { info: () => {}, warn: () => {} },
    // Intervals long enough that no background poll or refresh runs while a case is checked.
    ...(feed
      ? {
          revocations: {
            url: `${url}/v1/revocations`,
            clientId: config.revocations.clientId,
            clientSecret: config.revocations.clientSecret,
            maxRoleSyncAgeMs: config.revocations.maxRoleSyncAgeMs,
            intervalMs: 60_000,
            maxStalenessMs: 120_000,
            longPollMs: feed.longPollMs ?? 0,
          },
        }
      : {}),
  });
  await verifier.start();
  return {
    verifier,
    feedErrors: issuer.feedErrors,
    jwksFetches: () => issuer.jwksFetches,
    close: async () => {
      verifier.close();
      await issuer.close();
    },
  };
}

class VectorIssuer {
  jwksFetches = 0;
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
      const { clientId, clientSecret } = vectorConfig.revocations;
      // RFC 6749 §2.3.1: id and secret are form-encoded before Base64.
      const basic = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
      if (req.headers.authorization !== `Basic ${Buffer.from(basic).toString("base64")}`) {
        this.feedErrors.push("wrong client authentication");
        return send(res, { status: 401, body: { error: "invalid_client" } });
      }
      const index =
        query.after === undefined ? 0 : this.feed.pages.findIndex((p) => cursorOf(p) === query.after) + 1;
      const page = this.feed.pages[index];
      if (page === undefined) {
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
