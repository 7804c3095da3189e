import { type CanActivate, type ExecutionContext, Injectable } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import { DelegatedTokenNotAllowedError, InvalidClientError, UnauthorizedError } from "@sigil/core";
import { InvalidTokenError } from "@sigil/sessions";
import { header, type HttpRequest, pathOf } from "../platform/http/http-types.js";
import { createHash, timingSafeEqual } from "node:crypto";
import { ApiKeysService } from "../bots/api-keys/api-keys.service.js";
import { ApiRateLimiter } from "../platform/rate-limit/api-rate-limiter.js";
import { AppConfig } from "@sigil/config";
import { ALLOW_DELEGATED } from "../platform/http/allow-delegated.js";
import { DpopVerifier } from "../bots/dpop/dpop-verifier.service.js";
import { AccessTokenVerifier } from "../keys/access-token-verifier.js";
import { SessionService } from "../sessions/session.service.js";
import { LiveScopes, requireScopes } from "./live-scopes.js";
import type { Principal } from "../platform/http/principal.js";
import { ROUTE_POLICY, type RoutePolicy } from "../platform/http/route-policy.js";

/**
 * Enforces each route's {@link RoutePolicy}; a route without one is refused (fail closed). Then
 * charges the caller it established against the per-caller API limit.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly scrapeTokenDigest: Buffer | undefined;

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly tokens: AccessTokenVerifier,
    private readonly sessions: SessionService,
    private readonly liveScopes: LiveScopes,
    private readonly dpop: DpopVerifier,
    private readonly apiKeys: ApiKeysService,
    private readonly apiLimit: ApiRateLimiter,
  ) {
    const token = config.abuse.metricsToken;
    this.scrapeTokenDigest = token === undefined ? undefined : sha256(token);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    await this.apiLimit.chargeTokenEndpoint(context, request);
    await this.admit(context, request);
    await this.apiLimit.charge(context, request);
    return true;
  }

  /** Checks the request against its route's policy and records who the caller is. */
  private async admit(context: ExecutionContext, request: HttpRequest): Promise<void> {
    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!policy) throw new Error(`route ${request.method} ${pathOf(request)} declares no access policy`);
    if (policy.kind === "public") return;
    if (policy.kind === "scrape") {
      this.authenticateScraper(request);
      return;
    }
    if (policy.kind === "proof") {
      const now = new Date();
      if (policy.proof === "dpop") request.dpopProof = await this.dpop.verify(request, { now });
      else request.apiKey = await this.apiKeys.authenticate(request, now);
      return;
    }
    if (policy.kind === "client") {
      request.resourceClient = { clientId: this.authenticateClient(request) };
      return;
    }
    const { token, scheme } = accessToken(request);
    const claims = this.tokens.verify(token, new Date());
    // Key-bound tokens need a proof of their key on every request (RFC 9449 §7.1, B9).
    if (claims.cnf !== undefined) {
      if (scheme !== "dpop")
        throw new InvalidTokenError("claims", "a DPoP-bound token needs the DPoP scheme");
      await this.dpop.verify(request, { accessToken: token, expectedJkt: claims.cnf.jkt, now: new Date() });
    } else if (scheme === "dpop") {
      throw new InvalidTokenError("claims", "the DPoP scheme needs a DPoP-bound token");
    }
    if (
      claims.act !== undefined &&
      !this.reflector.getAllAndOverride<boolean>(ALLOW_DELEGATED, [context.getHandler(), context.getClass()])
    ) {
      throw new DelegatedTokenNotAllowedError(
        "a bot's token cannot call this route; sign in with the wallet",
      );
    }
    const session = await this.sessions.requireActive(claims.sid, new Date());
    let scopes: ReadonlySet<string> | undefined;
    const principal: Principal = {
      claims,
      scopes: () => (scopes ??= this.liveScopes.of(claims.scope, session)),
      session,
      token,
    };
    const needed = policy.scopesFor
      ? [...policy.scopes, ...policy.scopesFor(request, claims)]
      : policy.scopes;
    // Fails closed (role_sync_stale) before any scope is compared when the chain's roles are stale (D1).
    if (needed.length > 0) requireScopes(principal.scopes(), needed);
    request.principal = principal;
  }

  /** The metrics scrape token (Bearer), compared by SHA-256 in constant time; none configured = open. */
  private authenticateScraper(request: HttpRequest): void {
    if (!this.scrapeTokenDigest) return;
    const presented = /^Bearer (\S+)$/.exec(header(request, "authorization") ?? "")?.[1];
    if (presented === undefined || !timingSafeEqual(sha256(presented), this.scrapeTokenDigest))
      throw new UnauthorizedError(
        "GET /metrics needs the scrape token (SIGIL_METRICS_TOKEN) as a Bearer token",
      );
  }

  /** HTTP Basic client credentials (RFC 6749 §2.3.1), compared by SHA-256 in constant time (H3). */
  private authenticateClient(request: HttpRequest): string {
    const authorization = header(request, "authorization") ?? "";
    const match = /^Basic ([A-Za-z0-9+/=]{1,512})$/.exec(authorization);
    const decoded = match ? Buffer.from(match[1]!, "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    const id = safeDecode(decoded.slice(0, Math.max(colon, 0)));
    const secret = safeDecode(decoded.slice(colon + 1));
    const given = sha256(secret);
    // Compare against every client so timing does not reveal which ids exist.
    let matched: string | undefined;
    for (const client of this.config.resourceClients) {
      if (timingSafeEqual(client.secretHash, given) && client.id === id && colon > 0 && secret !== "") {
        matched = client.id;
      }
    }
    if (!matched) throw new InvalidClientError("client authentication failed");
    return matched;
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** RFC 6749 §2.3.1 form-encodes client credentials; a malformed escape is just a wrong credential. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return "";
  }
}

/** The Bearer or DPoP token of the Authorization header; tokens in URLs are refused (B11). */
function accessToken(request: HttpRequest): { token: string; scheme: "bearer" | "dpop" } {
  if ("access_token" in (request.query as object)) {
    throw new UnauthorizedError("tokens are accepted only in the Authorization header, never in the URL");
  }
  const authorization = header(request, "authorization");
  const match =
    authorization === undefined ? null : /^(Bearer|DPoP) ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization);
  if (!match) throw new UnauthorizedError("a Bearer access token is required");
  return { token: match[2]!, scheme: match[1] === "DPoP" ? "dpop" : "bearer" };
}
