import { Injectable } from "@nestjs/common";
import { JwksCache } from "../jwks/jwks-cache.js";
import { RevocationFeed } from "../revocations/revocation-feed.js";

/** What the guard can currently do; for a resource server's readiness endpoint. */
export interface SigilGuardStatus {
  /** True when protected routes can admit callers (keys known, revocation feed current). */
  ready: boolean;
  jwks: { keys: number; failing: boolean };
  revocations: { enabled: boolean; fresh: boolean; revokedSessions: number };
}

/** Reports {@link SigilGuardStatus}; inject it into a health controller. */
@Injectable()
export class SigilGuardHealth {
  constructor(
    private readonly jwks: JwksCache,
    private readonly revocations: RevocationFeed,
  ) {}

  status(): SigilGuardStatus {
    const fresh = this.revocations.isFresh();
    return {
      ready: this.jwks.size > 0 && fresh,
      jwks: { keys: this.jwks.size, failing: this.jwks.failing },
      revocations: { enabled: this.revocations.enabled, fresh, revokedSessions: this.revocations.size },
    };
  }
}
