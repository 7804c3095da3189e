import { Injectable } from "@nestjs/common";
import { AppConfig } from "@sigil/config";
import { type AccessTokenClaims, LruCache, verifyAccessToken } from "@sigil/sessions";
import { SigningKeysService } from "./signing-keys.service.js";

/** Clock skew allowed on `exp`, `nbf` and `iat`, as `verifyAccessToken`'s default (B3). */
const CLOCK_TOLERANCE_SECONDS = 30;
/** Cache key: the token's last characters (signature bytes); the full string is compared on a hit. */
const CACHE_KEY_LENGTH = 12;

interface VerifiedToken {
  token: string;
  claims: AccessTokenClaims;
  kid: string;
  /** First instant (ms) at which the token counts as expired, tolerance included. */
  expiredAtMs: number;
}

/**
 * This service's own access tokens, verified once: a token seen before skips the ES256 check until it
 * expires or its key is no longer published, as `@sigil/verify` does at resource servers.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly verified = new LruCache<string, VerifiedToken>(10_000);

  constructor(
    private readonly keys: SigningKeysService,
    private readonly config: AppConfig,
  ) {}

  /** The claims of `token`, or InvalidTokenError. Callers must not change the returned claims. */
  verify(token: string, now: Date): AccessTokenClaims {
    const key = token.slice(-CACHE_KEY_LENGTH);
    const hit = this.verified.get(key);
    if (hit !== undefined && hit.token === token) {
      if (now.getTime() < hit.expiredAtMs && this.keys.publicKey(hit.kid) !== undefined) return hit.claims;
      this.verified.delete(key);
    }
    let kid = "";
    const claims = verifyAccessToken({
      token,
      resolveKey: (wanted) => {
        kid = wanted;
        return this.keys.publicKey(wanted);
      },
      issuer: this.config.issuer,
      audience: this.config.audience,
      now,
      clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
    });
    this.verified.set(key, {
      token,
      claims,
      kid,
      expiredAtMs: (claims.exp + CLOCK_TOLERANCE_SECONDS) * 1000,
    });
    return claims;
  }
}
