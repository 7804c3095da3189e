import { LruCache } from "@sigil/sessions";

/**
 * DPoP `jti`s seen by this resource server (RFC 9449 §11.1), each kept until its proof could no
 * longer pass the `iat` window. Bounded: past `capacity` live proofs the oldest is forgotten, so
 * size it above (proofs per second × window); the default 100 000 covers 1,600/s for 60 s.
 */
export class DpopReplayCache {
  private readonly seen: LruCache<string, number>;

  constructor(
    capacity: number,
    private readonly nowMs: () => number,
  ) {
    this.seen = new LruCache(capacity);
  }

  /** Records `key` until `expiresAt`; false when it is recorded and not yet expired (a replay). */
  remember(key: string, expiresAt: Date): boolean {
    const until = this.seen.get(key);
    if (until !== undefined && until > this.nowMs()) return false;
    this.seen.set(key, expiresAt.getTime());
    return true;
  }
}
