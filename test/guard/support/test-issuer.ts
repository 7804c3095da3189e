import {
  type AccessTokenClaims,
  generateSigningKey,
  signAccessToken,
  type SigningKey,
} from "@sigil/sessions";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How an endpoint of the test issuer behaves: answers, answers 503, or drops the connection. */
export type EndpointMode = "up" | "error" | "drop";

/** Hardhat account 1 (TRADER in the dev seed). */
export const TRADER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
/** Hardhat account 2 (VIEWER in the dev seed). */
export const VIEWER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

export interface SignParameters {
  scope?: string;
  address?: string;
  chainId?: number;
  sid?: string;
  key?: SigningKey;
  ttlSeconds?: number;
  now?: Date;
  claims?: Partial<Pick<AccessTokenClaims, "iss" | "aud" | "sub" | "act" | "cnf">>;
}

interface Revocation {
  seq: number;
  sid: string;
  revokedAt: string;
  expiresAt: string;
}

/**
 * A real, tiny Sigil issuer over HTTP for guard tests: a JWKS, a Basic-authenticated revocation
 * feed with cursors, and a signer. Endpoints can be switched off to test failure handling.
 */
export class TestIssuer {
  readonly issuer = "https://sigil.test";
  readonly audience = "https://venue.test";
  readonly clientId = "venue-test";
  readonly clientSecret = "s3cret/with+chars";
  /** The key new tokens are signed with (published). */
  signer: SigningKey;
  readonly published = new Map<string, SigningKey>();
  readonly jwks = { mode: "up" as EndpointMode, requests: 0 };
  readonly feed = {
    mode: "up" as EndpointMode,
    requests: 0,
    lastAuthorization: "" as string | undefined,
    /** Revocations per answer, like the auth-api's page of 1000. */
    pageSize: 1000,
    /** Answer 400 to any cursor, as an issuer that lost its cursors would. */
    rejectCursors: false,
  };
  private readonly revocations: Revocation[] = [];
  private seq = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    this.signer = generateSigningKey({ now: new Date() });
    this.published.set(this.signer.kid, this.signer);
  }

  /** Starts the issuer on an ephemeral port of 127.0.0.1. */
  static async start(): Promise<TestIssuer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const issuer = new TestIssuer(server, `http://127.0.0.1:${port}`);
    server.on("request", (request: IncomingMessage, response: ServerResponse) =>
      issuer.handle(request, response),
    );
    return issuer;
  }

  get jwksUrl(): string {
    return `${this.url}/.well-known/jwks.json`;
  }

  get revocationsUrl(): string {
    return `${this.url}/v1/revocations`;
  }

  /** Guard options pointing at this issuer (feed included). */
  guardOptions(overrides: { intervalMs?: number; maxStalenessMs?: number } = {}) {
    return {
      issuer: this.issuer,
      audience: this.audience,
      jwksUrl: this.jwksUrl,
      revocations: {
        url: this.revocationsUrl,
        clientId: this.clientId,
        clientSecret: this.clientSecret,
        intervalMs: overrides.intervalMs ?? 50,
        maxStalenessMs: overrides.maxStalenessMs ?? 2000,
      },
    };
  }

  /** Signs an access token for `address` (the trader by default). */
  sign({
    scope = "orders:read orders:write positions:read",
    address = TRADER,
    chainId = 31337,
    sid = randomUUID(),
    key = this.signer,
    ttlSeconds = 600,
    now = new Date(),
    claims = {},
  }: SignParameters = {}): string {
    return signAccessToken({
      key,
      now,
      ttlSeconds,
      claims: {
        iss: this.issuer,
        aud: this.audience,
        sub: `eip155:${chainId}:${address}`,
        scope,
        sid,
        ...claims,
      },
    }).token;
  }

  /** Publishes a new key (publish-before-use) and returns it. */
  publishNewKey(): SigningKey {
    const key = generateSigningKey({ now: new Date() });
    this.published.set(key.kid, key);
    return key;
  }

  /** Puts `sid` on the revocation feed. */
  revoke(sid: string, expiresAt = new Date(Date.now() + 15 * 60_000)): void {
    this.seq += 1;
    this.revocations.push({
      seq: this.seq,
      sid,
      revokedAt: new Date().toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", this.url);
    if (url.pathname === "/.well-known/jwks.json") {
      this.jwks.requests += 1;
      if (this.failed(this.jwks.mode, request, response)) return;
      const keys = [...this.published.values()].map((key) => key.publicJwk);
      return json(response, 200, { keys }, { "cache-control": "public, max-age=300" });
    }
    if (url.pathname === "/v1/revocations") {
      this.feed.requests += 1;
      this.feed.lastAuthorization = request.headers.authorization;
      if (this.failed(this.feed.mode, request, response)) return;
      const expected = `Basic ${Buffer.from(`${this.clientId}:${encodeURIComponent(this.clientSecret)}`).toString("base64")}`;
      if (request.headers.authorization !== expected) {
        return json(response, 401, { error: "invalid_client", message: "client authentication failed" });
      }
      const after = url.searchParams.get("after");
      const since = after === null ? 0 : Number(after);
      if (!Number.isInteger(since) || since < 0 || (after !== null && this.feed.rejectCursors)) {
        return json(response, 400, { error: "invalid_request", message: "after must be a cursor" });
      }
      const page = this.revocations.filter((r) => r.seq > since).slice(0, this.feed.pageSize);
      return json(response, 200, {
        revocations: page.map(({ sid, revokedAt, expiresAt }) => ({
          sid,
          revokedAt,
          expiresAt,
          reason: "logout",
        })),
        cursor: String(page.at(-1)?.seq ?? since),
      });
    }
    json(response, 404, { error: "not_found" });
  }

  private failed(mode: EndpointMode, request: IncomingMessage, response: ServerResponse): boolean {
    if (mode === "drop") {
      request.socket.destroy();
      return true;
    }
    if (mode === "error") {
      json(response, 503, { error: "service_unavailable" });
      return true;
    }
    return false;
  }
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}
