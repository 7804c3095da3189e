import { InvalidTokenError } from "@sigil/sessions";
import { SigilAuthenticator } from "../auth/sigil-authenticator.js";
import { DpopChecker } from "../dpop/dpop-checker.js";
import { InsufficientScopeError } from "../errors/verifier-errors.js";
import { accessTokenOf } from "../http/bearer-token.js";
import { JwksCache } from "../jwks/jwks-cache.js";
import { resolveVerifierOptions } from "../options/resolve-verifier-options.js";
import type { ResolvedVerifierOptions, SigilVerifierOptions } from "../options/verifier-options.js";
import type { SigilPrincipal } from "../principal/sigil-principal.js";
import { missingScope } from "../requirement/missing-scope.js";
import { RevocationFeed } from "../revocations/revocation-feed.js";

/** The request fields the verifier reads; a Node, Express or Fastify request has them. */
export interface VerifiableRequest {
  method: string;
  /** Path and query as received (Express `originalUrl`, Fastify and Node `url`). */
  url: string;
  headers: {
    authorization?: string | undefined;
    dpop?: string | string[] | undefined;
    host?: string | undefined;
  };
  /** `http` or `https`, for a DPoP proof's `htu` when no `dpop.publicUrl` is set. */
  protocol?: string;
}

/** What the verifier can do now; for a resource server's readiness endpoint. */
export interface SigilVerifierStatus {
  /** True when protected routes can admit callers (keys known, revocation feed current). */
  ready: boolean;
  jwks: { keys: number; failing: boolean; fetches: number };
  revocations: { enabled: boolean; fresh: boolean; revokedSessions: number; polls: number };
}

/**
 * Sigil's access-token check for any Node server (docs/protocol.md): the token against the JWKS,
 * its session against the revocation feed (narrowing, role-sync age), DPoP proofs, the route's scopes.
 * {@link SigilVerifier.start} before serving; {@link SigilVerifier.close} on shutdown.
 */
export class SigilVerifier {
  readonly options: ResolvedVerifierOptions;
  private readonly jwks: JwksCache;
  private readonly revocations: RevocationFeed;
  private readonly authenticator: SigilAuthenticator;
  private readonly dpop: DpopChecker;

  constructor(options: SigilVerifierOptions) {
    this.options = resolveVerifierOptions(options);
    this.jwks = new JwksCache(this.options);
    this.revocations = new RevocationFeed(this.options);
    this.authenticator = new SigilAuthenticator(this.options, this.jwks, this.revocations);
    this.dpop = new DpopChecker(this.options);
  }

  /** Fetches the JWKS and the first feed page; resolves when both answered or failed (then 503s until they do). */
  async start(): Promise<void> {
    await Promise.all([this.jwks.start(), this.revocations.start()]);
  }

  /** Stops the background JWKS refresh and feed polls (an in-flight long poll is aborted). */
  close(): void {
    this.jwks.stop();
    this.revocations.stop();
  }

  /**
   * The request's principal, admitted for `scopes` (all required); synchronous when the token was
   * verified before. Throws (or rejects with) a typed error: `refusalOf` turns it into the answer.
   */
  verify(
    request: VerifiableRequest,
    scopes: readonly string[] = [],
  ): SigilPrincipal | Promise<SigilPrincipal> {
    const { token, scheme } = accessTokenOf(request);
    const principal = this.authenticator.authenticate(token);
    if (principal instanceof Promise)
      return principal.then((resolved) => this.admitBound(request, scopes, resolved, token, scheme));
    return this.admitBound(request, scopes, principal, token, scheme);
  }

  status(): SigilVerifierStatus {
    const fresh = this.revocations.isFresh();
    return {
      ready: this.jwks.size > 0 && fresh,
      jwks: { keys: this.jwks.size, failing: this.jwks.failing, fetches: this.jwks.fetches },
      revocations: {
        enabled: this.revocations.enabled,
        fresh,
        revokedSessions: this.revocations.size,
        polls: this.revocations.polls,
      },
    };
  }

  /** A DPoP-bound token also needs its proof (RFC 9449 §7.1, B9); a bearer token must not claim DPoP. */
  private admitBound(
    request: VerifiableRequest,
    scopes: readonly string[],
    principal: SigilPrincipal,
    token: string,
    scheme: "bearer" | "dpop",
  ): SigilPrincipal | Promise<SigilPrincipal> {
    const jkt = principal.claims.cnf?.jkt;
    if (jkt === undefined) {
      if (scheme === "dpop")
        throw new InvalidTokenError("claims", "the DPoP scheme needs a DPoP-bound token");
      return this.admit(scopes, principal);
    }
    if (scheme !== "dpop")
      throw new InvalidTokenError("claims", "a DPoP-bound token must be sent with the DPoP scheme");
    return this.dpop.verify({ request, accessToken: token, jkt }).then(() => this.admit(scopes, principal));
  }

  private admit(scopes: readonly string[], principal: SigilPrincipal): SigilPrincipal {
    // A scope check trusts on-chain roles: only while the issuer confirms them, on the sign-in chain
    // and on the chains the token lists for the route's scopes (fail closed, D1, P5).
    if (scopes.length > 0) this.revocations.assertRolesFresh(principal, scopes);
    if (missingScope(principal.scopes, scopes) !== undefined) throw new InsufficientScopeError(scopes);
    return principal;
  }
}

/** A {@link SigilVerifier} for `options` (validated now: a bad option throws `config_invalid`). */
export function createSigilVerifier(options: SigilVerifierOptions): SigilVerifier {
  return new SigilVerifier(options);
}
