/** Where and how often the verifier learns of revoked sessions (auth-api `GET /v1/revocations`). */
export interface RevocationFeedOptions {
  /** The feed URL, e.g. `https://sigil.example/v1/revocations`. */
  url: string;
  /** Resource-server client id and secret, sent with HTTP Basic (RFC 6749 §2.3.1). */
  clientId: string;
  clientSecret: string;
  /** Poll period; default 1000 ms (SECURITY-TESTS B7: revocation effective within ~1 s). */
  intervalMs?: number;
  /**
   * How long the feed may go unanswered before every protected request fails closed with
   * 503 `revocation_feed_stale`; default 10 000 ms, at most 15 min (the longest token lifetime).
   * Closed, not open: otherwise cutting the venue off from Sigil would keep a logged-out or
   * revoked session working until its token expires (B7); the budget rides out short blips.
   */
  maxStalenessMs?: number;
  /**
   * When the issuer follows on-chain roles and reports a chain's roles confirmed longer ago than
   * this, routes that require scopes answer 503 `role_sync_stale` (a revoked role may not have
   * reached us); default 10 000 ms. Routes without scopes still answer. That is the token's sign-in
   * chain for every scope, and the chains its `scope_chains` claim lists for a route's scopes (P5).
   */
  maxRoleSyncAgeMs?: number;
  /**
   * Long poll: each feed request asks the issuer to hold an empty answer up to this long and to
   * answer as soon as a revocation is written (Postgres LISTEN/NOTIFY there), so revocations arrive
   * in milliseconds instead of up to `intervalMs`. 0 (default) polls every `intervalMs`; at most 25 000.
   */
  longPollMs?: number;
}

/** DPoP-bound tokens (RFC 9449): how proofs are checked. */
export interface DpopVerifierOptions {
  /**
   * This server's public base URL as clients call it (`htu` = it + the path). Set it in
   * production: without it the request's Host header is used, so a proof made for another
   * server that shares a hostname with this one could be replayed here.
   */
  publicUrl?: string;
  /** Proof ids remembered against replay (LRU, each until its `iat` window ends); default 100 000. */
  replayCacheSize?: number;
  /** Oldest accepted proof `iat`, in seconds; default 60, 5..300. */
  maxProofAgeSeconds?: number;
}

/** Where the verifier reports what it learns about the issuer (a lost JWKS, a feed answering again). */
export interface VerifierLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Options of {@link createSigilVerifier} (and of every adapter that wraps it). */
export interface SigilVerifierOptions {
  /** Expected `iss` of access tokens. */
  issuer: string;
  /** Expected `aud`: this resource server's identifier. */
  audience: string;
  /** The issuer's JWKS, e.g. `https://sigil.example/.well-known/jwks.json`. */
  jwksUrl: string;
  /** Omit to skip revocation checks (tokens then stay valid until `exp`, ≤ 15 min). */
  revocations?: RevocationFeedOptions;
  /** Clock skew allowed for `exp`/`nbf`; 0..30 s, default 30 (SECURITY-TESTS B3). */
  clockToleranceSeconds?: number;
  /** Wall clock for token times and revocation expiry; `new Date()` by default (tests inject one). */
  now?: () => Date;
  /** Background JWKS refresh period, so keys published before use are known early; default 5 min. */
  jwksRefreshIntervalMs?: number;
  /** Least time between two JWKS fetches caused by unknown `kid`s; default 5000 ms. */
  jwksCooldownMs?: number;
  /** Verified tokens kept (LRU) so repeat requests skip the signature check; default 10 000, 0 = off. */
  tokenCacheSize?: number;
  /** Timeout of each JWKS or feed request; default 2000 ms. */
  fetchTimeoutMs?: number;
  /** DPoP proof checking for key-bound (bot) tokens. */
  dpop?: DpopVerifierOptions;
  /** Defaults to warnings on `console.warn`; info is dropped. */
  logger?: VerifierLogger;
}

/** {@link SigilVerifierOptions} after validation, with every default applied. */
export interface ResolvedVerifierOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
  revocations: Required<RevocationFeedOptions> | undefined;
  clockToleranceSeconds: number;
  now: (() => Date) | undefined;
  jwksRefreshIntervalMs: number;
  jwksCooldownMs: number;
  tokenCacheSize: number;
  fetchTimeoutMs: number;
  dpop: { publicUrl: string | undefined; replayCacheSize: number; maxProofAgeSeconds: number };
  logger: VerifierLogger;
}
