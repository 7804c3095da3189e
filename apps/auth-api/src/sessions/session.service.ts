import { Injectable } from "@nestjs/common";
import {
  type AccessSnapshot,
  grantedProvenance,
  InvalidGrantError,
  type ScopeProvenance,
  scopeChainsCache,
  scopeChainsClaim,
  type WalletKind,
} from "@sigil/core";
import {
  afterCommit,
  createStatementBatcher,
  GrantEntity,
  type StatementBatcher,
  RefreshTokenEntity,
  RevocationEntity,
  SessionEntity,
  blockOf,
  recordRotation,
  insertGrant,
} from "@sigil/persistence";
import { generateRefreshToken, InvalidTokenError, signAccessToken } from "@sigil/sessions";
import { randomUUID } from "node:crypto";
import { DataSource, type EntityManager } from "typeorm";
import { AuditService } from "../platform/audit/audit.service.js";
import { AppConfig } from "@sigil/config";
import { SigningKeysService } from "../keys/signing-keys.service.js";
import { REVOCATION_CHANNEL } from "./revocation-signal.service.js";
import { SessionCache } from "./session-cache.js";
import { MetricsService } from "../platform/metrics/metrics.service.js";
import type { TokenResponse } from "@sigil/core";
import type { RequestContext } from "../platform/http/request-context.js";

export type { RequestContext };

export interface RotateRefreshParameters {
  context: RequestContext;
  now: Date;
  tokenHash: Buffer;
  /** Scopes the current roles allow for this session (read before the transaction). */
  grantedScopes: string[];
  access: AccessSnapshot;
}

/** A refresh token and its session as a rotation locks them (snake_case columns). */
interface LockedToken {
  id: string;
  parent_id: string | null;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  replaced_by_id: string | null;
  session_id: string;
  subject: string;
  chain_id: number;
  requested_scopes: string[] | null;
  absolute_expires_at: Date;
  session_revoked_at: Date | null;
  session_scopes: string[];
  wallet_kind: WalletKind;
}

/** What a rotation came to: new tokens, a replay that revoked the family, or a refusal. */
type RotationOutcome =
  | { kind: "issued"; response: TokenResponse }
  | { kind: "reuse" }
  | { kind: "invalid"; reason: "unknown" | "revoked" | "idle_expired" | "absolute_expired" };

/** Why a session ended, as recorded on the session, its grants and the revocation feed. */
export type RevocationReason =
  | "logout"
  | "revoked_by_owner"
  | "revoked_token"
  | "refresh_token_reuse"
  | "wallet_signature_invalid"
  | "role_revoked"
  | "delegation_revoked"
  | "api_key_revoked";

/** Ending a session inside a caller's transaction. */
export interface RevokeWithinParameters {
  session: Pick<SessionEntity, "id" | "subject" | "chainId">;
  reason: RevocationReason;
  now: Date;
  requestId: string;
  /** The block whose chain state ended it (role sync), recorded on its grants. */
  blockNumber?: bigint;
}

/** Narrowing a live session to fewer scopes inside a caller's transaction (role sync). */
export interface NarrowWithinParameters {
  session: SessionEntity;
  scopes: string[];
  /** Why, as recorded on the superseded grants and the feed: e.g. `scope_removed`. */
  reason: string;
  access: AccessSnapshot;
  now: Date;
  requestId: string;
}

/**
 * Sessions, refresh families and grants. Every change is one transaction that also writes its
 * grant and audit rows (SECURITY-TESTS G1); tokens are signed before commit and handed out after.
 */
@Injectable()
export class SessionService {
  private readonly chainsOf: ReturnType<typeof scopeChainsCache>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly cache: SessionCache,
  ) {
    this.chainsOf = scopeChainsCache(config.policy);
    this.rotations = createStatementBatcher({
      onBatch: (size) => metrics.writeBatchSize.observe({ statement: "refresh" }, size),
      runOne: (p) => dataSource.transaction((manager) => this.rotateWithin(manager, p)),
      runBatch: (batch) =>
        dataSource.transaction(async (manager) => {
          const outcomes: RotationOutcome[] = [];
          for (const p of batch) outcomes.push(await this.rotateWithin(manager, p));
          return outcomes;
        }),
    });
  }

  /**
   * Rotations, several per transaction under load (group commit): one commit and one turn at the
   * audit chain's head lock per batch. Worth it only since a rotation's writes are one statement
   * (docs/benchmarks.md, "Refresh rotation"). Inside
   * a batch they run in arrival order, so a replay in the same batch meets its first use as it
   * would one commit later; a batch that fails as a whole (a deadlock with another batch) is run
   * again one rotation per transaction, so none is lost or half-written.
   */
  private readonly rotations: StatementBatcher<RotateRefreshParameters, RotationOutcome>;

  /** The live session `id`, or undefined when it is unknown, revoked or past its absolute limit. */
  async findActive(id: string, now: Date): Promise<SessionEntity | undefined> {
    // Only a real UUID reaches the uuid column (anything else would be a database error).
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return undefined;
    let session = this.cache.get(id);
    if (!session) {
      const generation = this.cache.begin();
      session = (await this.dataSource.getRepository(SessionEntity).findOneBy({ id })) ?? undefined;
      if (session) this.cache.store(session, generation);
    }
    return session && session.revokedAt === null && session.absoluteExpiresAt > now ? session : undefined;
  }

  /**
   * The newest grant of session `sessionId` (null: none). Kept with a cached session; a refresh served
   * by another instance is seen within GRANT_MAX_AGE_MS (its scopes, if they change, at once).
   */
  async latestGrant(sessionId: string): Promise<GrantEntity | null> {
    const cached = this.cache.grantOf(sessionId);
    if (cached !== undefined) return cached;
    const generation = this.cache.begin();
    const readAt = performance.now();
    const grant = await this.dataSource
      .getRepository(GrantEntity)
      .findOne({ where: { sessionId }, order: { issuedAt: "DESC" } });
    this.cache.storeGrant(sessionId, grant, generation, readAt);
    return grant;
  }

  /** The live session `sid`, or `invalid_token` (revoked, expired or unknown). */
  async requireActive(sid: string, now: Date): Promise<SessionEntity> {
    const session = await this.findActive(sid, now);
    if (!session) throw new InvalidTokenError("revoked", "the session of this token has ended");
    return session;
  }

  /** The session a refresh token belongs to, without locking (for the chain checks done first). */
  async sessionOfRefreshToken(tokenHash: Buffer): Promise<SessionEntity> {
    const session = await this.dataSource
      .getRepository(SessionEntity)
      .createQueryBuilder("session")
      .innerJoin(RefreshTokenEntity, "token", "token.sessionId = session.id")
      .where("token.tokenHash = :tokenHash", { tokenHash })
      .getOne();
    if (!session || session.revokedAt !== null) throw new InvalidGrantError("refresh token is not valid");
    return session;
  }

  /**
   * Rotates a refresh token (RFC 9700 §4.14): the presented token is spent and a new one issued.
   * Presenting a spent token again revokes the whole family, except within the reuse grace from
   * the client the successor was answered to, where that successor (a response the client lost) is
   * revoked instead; presenting a successor so superseded revokes the family (J2).
   */
  async rotateRefresh(p: RotateRefreshParameters): Promise<TokenResponse> {
    const outcome = await this.rotations.run(p);
    if (outcome.kind === "issued") return outcome.response;
    if (outcome.kind === "reuse") {
      throw new InvalidGrantError("refresh token was already used: the session has been revoked");
    }
    throw new InvalidGrantError("refresh token is not valid", { details: { reason: outcome.reason } });
  }

  /**
   * One rotation's reads and writes inside `manager`'s transaction: the presented token and its
   * session locked, then the reuse and expiry checks, then the new token, grant and audit event.
   */
  private async rotateWithin(manager: EntityManager, p: RotateRefreshParameters): Promise<RotationOutcome> {
    const { lifetimes } = this.config;
    // The token and its session, both locked, in one round trip. Postgres locks in the order the
    // clause names them: the session first, then the token, as every revocation does (it locks
    // the session, then ends its tokens), so a logout racing a refresh waits instead of deadlocking.
    const [token]: LockedToken[] = await manager.query(
      `SELECT t.id, t.parent_id, t.expires_at, t.used_at, t.revoked_at, t.replaced_by_id, s.id AS session_id,
              s.subject, s.chain_id, s.requested_scopes, s.absolute_expires_at, s.revoked_at AS session_revoked_at,
              s.scopes AS session_scopes, s.wallet_kind
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
        WHERE t.token_hash = $1 FOR UPDATE OF s, t`,
      [p.tokenHash],
    );
    if (!token) return { kind: "invalid" as const, reason: "unknown" };
    if (token.session_revoked_at !== null) return { kind: "invalid" as const, reason: "revoked" };
    const session = {
      id: token.session_id,
      subject: token.subject,
      chainId: token.chain_id,
      requestedScopes: token.requested_scopes,
      absoluteExpiresAt: token.absolute_expires_at,
    };
    const reuse = async (cause: "replay" | "other_client" | "superseded") => {
      await this.revokeWithin(manager, {
        session,
        reason: "refresh_token_reuse",
        now: p.now,
        requestId: p.context.requestId,
      });
      await this.audit.record(manager, {
        type: "refresh_token_reuse",
        outcome: "failure",
        subject: session.subject,
        chainId: session.chainId,
        requestId: p.context.requestId,
        occurredAt: p.now,
        data: { sessionId: session.id, tokenId: token.id, cause },
      });
      return { kind: "reuse" as const };
    };
    if (token.revoked_at !== null) {
      // J2: in a live session only a grace replay revokes one token (the child it supersedes); the
      // client that holds it is the thief's victim or the thief, so the family ends either way.
      const [parent] = token.parent_id
        ? await manager.query(`SELECT replaced_by_id FROM refresh_tokens WHERE id = $1`, [token.parent_id])
        : [];
      if (parent && parent.replaced_by_id !== token.id) return reuse("superseded");
      return { kind: "invalid" as const, reason: "revoked" };
    }
    if (token.used_at !== null) {
      // A grace of 0 is none: a replay stamped no later than the rotation (same millisecond, or
      // an instance whose clock lags) must not pass as a lost response.
      const withinGrace =
        lifetimes.refreshReuseGrace > 0 &&
        p.now.getTime() - new Date(token.used_at).getTime() <= lifetimes.refreshReuseGrace * 1000;
      const [child] = token.replaced_by_id
        ? await manager.query(
            `SELECT used_at, client_address, user_agent FROM refresh_tokens WHERE id = $1`,
            [token.replaced_by_id],
          )
        : [];
      if (!withinGrace || !child || child.used_at !== null) return reuse("replay");
      // A lost response is retried by the client it was answered to (J2): same address and agent.
      if (child.client_address !== p.context.clientAddress || child.user_agent !== p.context.userAgent) {
        return reuse("other_client");
      }
      await manager.query(`UPDATE refresh_tokens SET revoked_at = $2 WHERE id = $1`, [
        token.replaced_by_id,
        p.now,
      ]);
    }
    if (new Date(token.expires_at) <= p.now) return { kind: "invalid" as const, reason: "idle_expired" };
    if (session.absoluteExpiresAt <= p.now) return { kind: "invalid" as const, reason: "absolute_expired" };

    const next = generateRefreshToken();
    const nextId = randomUUID();
    const idleExpiresAt = minDate(addSeconds(p.now, lifetimes.refreshIdle), session.absoluteExpiresAt);
    const access = this.signAccess({
      subject: session.subject,
      sessionId: session.id,
      scopes: p.grantedScopes,
      now: p.now,
      walletKind: token.wallet_kind,
    });
    await recordRotation(manager, {
      now: p.now,
      sessionId: session.id,
      subject: session.subject,
      chainId: session.chainId,
      spentTokenId: token.id,
      nextTokenId: nextId,
      nextTokenHash: next.hash,
      idleExpiresAt,
      requestedScopes: session.requestedScopes,
      grantedScopes: p.grantedScopes,
      access: p.access,
      context: p.context,
      grantExpiresAt: new Date(access.claims.exp * 1000),
    });
    // A new grant and last use: this instance reads them again (others within GRANT_MAX_AGE_MS).
    afterCommit(manager, () => this.cache.forget(session.id));
    // J3: a refresh can read a role's loss before the chain follower applies it; the feed must then
    // narrow the session's earlier tokens at resource servers too, as the follower would have.
    if (token.session_scopes.some((scope) => !p.grantedScopes.includes(scope))) {
      await manager.getRepository(RevocationEntity).insert({
        sessionId: session.id,
        reason: "scope_removed",
        revokedAt: p.now,
        expiresAt: addSeconds(p.now, lifetimes.accessToken),
        scopes: p.grantedScopes,
      });
      await this.notifyChange(manager, session.id);
    } else if (p.grantedScopes.some((scope) => !token.session_scopes.includes(scope))) {
      // A scope gained: instances holding the session's row must read it again.
      await this.notifyChange(manager, session.id);
    }
    return {
      kind: "issued" as const,
      response: this.tokenResponse({
        access,
        refreshToken: next.token,
        sessionId: session.id,
        subject: session.subject,
      }),
    };
  }

  /** Ends a session: refresh tokens, grants, the revocation feed and the audit log in one commit. */
  async revoke(p: {
    sessionId: string;
    reason: RevocationReason;
    now: Date;
    requestId: string;
  }): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const session = await manager
        .getRepository(SessionEntity)
        .findOne({ where: { id: p.sessionId }, lock: { mode: "pessimistic_write" } });
      if (!session || session.revokedAt !== null) return false;
      await this.revokeWithin(manager, { ...p, session });
      return true;
    });
  }

  /** Ends `session` (locked by the caller) in the caller's transaction, with its feed and audit rows. */
  async revokeWithin(manager: EntityManager, p: RevokeWithinParameters): Promise<void> {
    const { session, reason, now } = p;
    await manager.query(`UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1`, [
      session.id,
      now,
      reason,
    ]);
    await manager.query(
      `UPDATE refresh_tokens SET revoked_at = $2 WHERE session_id = $1 AND revoked_at IS NULL`,
      [session.id, now],
    );
    await manager.query(
      `UPDATE grants SET revoked_at = $2, revoked_reason = $3, revoked_block_number = $4
        WHERE session_id = $1 AND revoked_at IS NULL`,
      [session.id, now, reason, p.blockNumber?.toString() ?? null],
    );
    // Access tokens of the session live at most this long: the feed entry can be dropped after.
    await manager.getRepository(RevocationEntity).insert({
      sessionId: session.id,
      reason,
      revokedAt: now,
      expiresAt: addSeconds(now, this.config.lifetimes.accessToken),
    });
    await this.notifyChange(manager, session.id);
    await this.audit.record(manager, {
      type: "session_revoked",
      outcome: "info",
      subject: session.subject,
      chainId: session.chainId,
      requestId: p.requestId,
      occurredAt: now,
      data: {
        sessionId: session.id,
        reason,
        ...(p.blockNumber === undefined ? {} : { block: p.blockNumber.toString() }),
      },
    });
    // Every revocation path ends here (logout, owner, RFC 7009, reuse, role sync); counted at commit,
    // so a transaction that rolls back (a role-sync batch that is retried) is not counted twice.
    afterCommit(manager, () => this.metrics.tokensRevoked.inc({ reason }));
  }

  /**
   * Keeps `session` (locked by the caller) alive with only `scopes`: its grants are superseded by a
   * `chain_sync` grant, and the feed tells resource servers to narrow the tokens already issued.
   */
  async narrowWithin(manager: EntityManager, p: NarrowWithinParameters): Promise<void> {
    const { session, now } = p;
    const scopeSources = await this.narrowedScopeSources(manager, p);
    // Only a policy read (it carries provenance) knows when its answers lapse; else the last one stands.
    await manager.query(
      `UPDATE sessions SET scopes = $2,
              scopes_valid_until = CASE WHEN $4::boolean THEN $3::timestamptz ELSE scopes_valid_until END
        WHERE id = $1`,
      [session.id, p.scopes, p.access.validUntil ?? null, p.access.provenance !== undefined],
    );
    await manager.query(
      `UPDATE grants SET revoked_at = $2, revoked_reason = $3, revoked_block_number = $4
        WHERE session_id = $1 AND revoked_at IS NULL`,
      [session.id, now, p.reason, p.access.block.number.toString()],
    );
    await insertGrant(manager, {
      method: "chain_sync",
      sessionId: session.id,
      subject: session.subject,
      // A bot's session keeps naming the bot acting for its owner (its API key or session key).
      ...(session.actor ? { actor: session.actor } : {}),
      requestedScopes: session.requestedScopes ?? undefined,
      grantedScopes: p.scopes,
      access: p.access,
      context: { requestId: p.requestId, clientAddress: null, userAgent: null },
      now,
      // Tokens issued so far expire within one access-token lifetime; the session's refresh decides after.
      expiresAt: addSeconds(now, this.config.lifetimes.accessToken),
      scopeSources,
    });
    await manager.getRepository(RevocationEntity).insert({
      sessionId: session.id,
      reason: p.reason,
      revokedAt: now,
      expiresAt: addSeconds(now, this.config.lifetimes.accessToken),
      scopes: p.scopes,
    });
    await this.notifyChange(manager, session.id);
    await this.audit.record(manager, {
      type: "session_narrowed",
      outcome: "info",
      subject: session.subject,
      chainId: session.chainId,
      requestId: p.requestId,
      occurredAt: now,
      data: { sessionId: session.id, reason: p.reason, scopes: p.scopes, block: blockOf(p.access) },
    });
  }

  /**
   * Tells every instance, once the caller's transaction commits, that `sessionId`'s access changed:
   * feed readers wake and cached rows are dropped (this instance's at once, before it answers).
   */
  private async notifyChange(manager: EntityManager, sessionId: string): Promise<void> {
    await manager.query(`SELECT pg_notify($1, $2)`, [REVOCATION_CHANNEL, sessionId]);
    afterCommit(manager, () => this.cache.forget(sessionId));
  }

  /**
   * What a narrowing's grant records per kept scope: the snapshot's provenance when the read carried
   * one; else (a registry-only re-read) the superseded grant's, restricted to the kept scopes.
   */
  private async narrowedScopeSources(
    manager: EntityManager,
    p: NarrowWithinParameters,
  ): Promise<Record<string, ScopeProvenance> | null> {
    if (p.access.provenance) return grantedProvenance({ provenance: p.access.provenance, granted: p.scopes });
    const [latest]: { scope_sources: Record<string, ScopeProvenance> | null }[] = await manager.query(
      `SELECT scope_sources FROM grants WHERE session_id = $1 AND revoked_at IS NULL
        ORDER BY issued_at DESC LIMIT 1`,
      [p.session.id],
    );
    return grantedProvenance({ provenance: latest?.scope_sources, granted: p.scopes });
  }

  /**
   * An access token for `sessionId`, signed with the current key (also for sign-in and bots). With
   * role sync on, it names the other chains behind each scope (`scope_chains`, P5) for the session's
   * sign-in chain and `walletKind`.
   */
  signAccess(p: {
    subject: string;
    sessionId: string;
    scopes: string[];
    now: Date;
    walletKind: WalletKind;
    ttlSeconds?: number;
    act?: { sub: string };
    cnf?: { jkt: string };
  }) {
    const scopeChains = this.scopeChainsOf(p.subject, p.walletKind, p.scopes);
    return signAccessToken({
      key: this.keys.current(),
      claims: {
        iss: this.config.issuer,
        aud: this.config.audience,
        sub: p.subject,
        scope: p.scopes.join(" "),
        sid: p.sessionId,
        ...(p.act ? { act: p.act } : {}),
        ...(p.cnf ? { cnf: p.cnf } : {}),
        ...(scopeChains ? { scope_chains: scopeChains } : {}),
      },
      now: p.now,
      ttlSeconds: p.ttlSeconds ?? this.config.lifetimes.accessToken,
    });
  }

  /** Resource servers check these chains only against the feed's `roleSync`, sent with role sync on. */
  private scopeChainsOf(subject: string, walletKind: WalletKind, scopes: string[]) {
    if (!this.config.roleSync.enabled) return undefined;
    const signInChainId = Number(/^eip155:(\d+):/.exec(subject)?.[1]);
    return scopeChainsClaim(this.chainsOf({ signInChainId, walletKind }), scopes);
  }

  /** The token response of a session with a refresh token (login and rotation). */
  tokenResponse(p: {
    access: ReturnType<SessionService["signAccess"]>;
    refreshToken: string;
    sessionId: string;
    subject: string;
  }): TokenResponse {
    return {
      access_token: p.access.token,
      token_type: "Bearer",
      expires_in: p.access.claims.exp - p.access.claims.iat,
      refresh_token: p.refreshToken,
      scope: p.access.claims.scope,
      session_id: p.sessionId,
      sub: p.subject,
    };
  }
}

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

function minDate(a: Date, b: Date): Date {
  return a <= b ? a : b;
}
