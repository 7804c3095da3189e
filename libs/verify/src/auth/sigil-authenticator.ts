import { type AccessTokenClaims, InvalidTokenError, LruCache, verifyAccessToken } from "@sigil/sessions";
import type { KeyObject } from "node:crypto";
import { JwksUnavailableError, RevocationFeedStaleError } from "../errors/verifier-errors.js";
import { JwksCache } from "../jwks/jwks-cache.js";
import type { ResolvedVerifierOptions } from "../options/verifier-options.js";
import { FrozenSet } from "../principal/frozen-set.js";
import { principalFromClaims } from "../principal/principal-from-claims.js";
import type { SigilPrincipal } from "../principal/sigil-principal.js";
import { RevocationFeed } from "../revocations/revocation-feed.js";

// Cache key: the token's last characters (signature bytes). Hashing a whole ~700-character token
// costs microseconds per request; a short copy hashes fast and `token` equality rules out collisions.
const CACHE_KEY_LENGTH = 12;

interface VerifiedToken {
  token: string;
  principal: SigilPrincipal;
  kid: string;
  /** First instant (ms) at which the token counts as expired, clock tolerance included. */
  expiredAtMs: number;
}

/**
 * Turns a bearer token into a {@link SigilPrincipal}, or throws a typed error. A token verified
 * once is cached (LRU, matched on its exact string); every request still checks expiry, that its key is
 * still published, and its session against the revocation feed. Synchronous on a cache hit.
 */
export class SigilAuthenticator {
  /** Verified tokens by {@link CACHE_KEY_LENGTH} last characters. */
  private readonly verified: LruCache<string, VerifiedToken>;
  private readonly nowMs: () => number;
  private readonly toleranceMs: number;

  constructor(
    private readonly options: ResolvedVerifierOptions,
    private readonly jwks: JwksCache,
    private readonly revocations: RevocationFeed,
  ) {
    this.verified = new LruCache(options.tokenCacheSize);
    const now = options.now;
    this.nowMs = now ? () => now().getTime() : Date.now;
    this.toleranceMs = options.clockToleranceSeconds * 1000;
  }

  /** The principal of `token`; throws InvalidTokenError, JwksUnavailableError or RevocationFeedStaleError. */
  authenticate(token: string): SigilPrincipal | Promise<SigilPrincipal> {
    const nowMs = this.nowMs();
    const key = token.slice(-CACHE_KEY_LENGTH);
    const hit = this.verified.get(key);
    if (hit !== undefined && hit.token === token) {
      if (nowMs >= hit.expiredAtMs) {
        this.verified.delete(key);
        throw new InvalidTokenError("expired", "token expired");
      }
      // A key withdrawn from the JWKS takes its tokens with it: verify again, from scratch.
      if (this.jwks.has(hit.kid)) return this.admitSession(hit.principal);
      this.verified.delete(key);
    }
    const attempt = this.verify(token, nowMs);
    if (attempt.unknownKid) return this.verifyAfterRefetch(token, nowMs);
    return this.admitSession(attempt.principal!);
  }

  private async verifyAfterRefetch(token: string, nowMs: number): Promise<SigilPrincipal> {
    const outcome = await this.jwks.refetch();
    if (this.jwks.size === 0)
      throw new JwksUnavailableError("no verification key: the issuer's JWKS is unavailable");
    const attempt = this.verify(token, nowMs);
    if (attempt.unknownKid) {
      // We could not ask the issuer: the key may well exist, so say "try later", not "bad token".
      if (outcome === "failed" || (outcome === "throttled" && this.jwks.failing)) {
        throw new JwksUnavailableError("token key unknown and the issuer's JWKS is unavailable");
      }
      throw new InvalidTokenError("key_unknown", "token signed by an unknown key");
    }
    return this.admitSession(attempt.principal!);
  }

  /** Verifies and caches; reports an unknown (well-formed) kid instead of throwing for it. */
  private verify(token: string, nowMs: number): { principal?: SigilPrincipal; unknownKid: boolean } {
    // An object, not a `let`: TypeScript does not see assignments made inside the callback.
    const looked: { kid?: string } = {};
    let claims: AccessTokenClaims;
    try {
      claims = verifyAccessToken({
        token,
        resolveKey: (wanted): KeyObject | undefined => {
          looked.kid = wanted;
          return this.jwks.get(wanted);
        },
        issuer: this.options.issuer,
        audience: this.options.audience,
        now: new Date(nowMs),
        clockToleranceSeconds: this.options.clockToleranceSeconds,
      });
    } catch (error) {
      if (looked.kid !== undefined && error instanceof InvalidTokenError && error.reason === "key_unknown") {
        return { unknownKid: true };
      }
      throw error;
    }
    const principal = principalFromClaims(claims);
    this.verified.set(token.slice(-CACHE_KEY_LENGTH), {
      token,
      principal,
      kid: looked.kid!,
      expiredAtMs: claims.exp * 1000 + this.toleranceMs,
    });
    return { principal, unknownKid: false };
  }

  private admitSession(principal: SigilPrincipal): SigilPrincipal {
    if (!this.revocations.isFresh()) {
      throw new RevocationFeedStaleError("revocation feed unreachable: refusing tokens until it answers");
    }
    if (this.revocations.isRevoked(principal.sid)) throw new InvalidTokenError("revoked", "session revoked");
    const narrowed = this.revocations.narrowedScopes(principal.sid, principal.claims.iat);
    return narrowed === undefined ? principal : narrowPrincipal(principal, narrowed);
  }
}

/** A copy of `principal` with only the scopes in `allowed` (the cached principal stays as verified). */
function narrowPrincipal(principal: SigilPrincipal, allowed: ReadonlySet<string>): SigilPrincipal {
  return Object.freeze({
    ...principal,
    scopes: new FrozenSet([...principal.scopes].filter((scope) => allowed.has(scope))),
  });
}
