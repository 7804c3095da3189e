import { Injectable } from "@nestjs/common";
import {
  type AccessSnapshot,
  DelegationInactiveError,
  InvalidGrantError,
  type TokenResponse,
  type WalletKind,
} from "@sigil/core";
import { blockOf, insertGrant, SessionEntity } from "@sigil/persistence";
import { randomUUID } from "node:crypto";
import { DataSource } from "typeorm";
import { AppConfig } from "@sigil/config";
import { AuditService } from "../../platform/audit/audit.service.js";
import type { RequestContext } from "../../platform/http/request-context.js";
import { SessionService } from "../../sessions/session.service.js";

/** A bot session: who it speaks for, who acts, and what it is bound to (issue 5). */
export interface CreateBotSessionParameters {
  context: RequestContext;
  now: Date;
  owner: { subject: string; address: string; chainId: number; walletKind: WalletKind };
  /** RFC 8693 `act.sub`: `jkt:<thumbprint>` for a session key, `apikey:<id>` for an API key. */
  actor: string;
  method: "delegation" | "api_key";
  delegationId?: string;
  apiKeyId?: string;
  /** DPoP binding (`cnf.jkt`); absent for API-key tokens (Bearer). */
  keyThumbprint?: string;
  requestedScopes: string[] | undefined;
  grantedScopes: string[];
  access: AccessSnapshot;
  /** The token never outlives this (the delegation's or key's expiry). */
  notAfter: Date;
}

/** Token response of a bot: no refresh token (the bot proves its key again). */
export type BotTokenResponse = Omit<TokenResponse, "refresh_token" | "token_type"> & {
  token_type: "DPoP" | "Bearer";
};

/** Sessions of bots: a delegation's session key or an API key, speaking for its owner. */
@Injectable()
export class BotSessions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  /**
   * A bot's session (a delegation's session key or an API key): a row in `sessions` under the
   * OWNER's address and chain, so logout-style revocation and chain role sync reach it like any
   * other; no refresh token (the bot proves its key again). Session, grant (method `delegation` or
   * `api_key`, with the actor) and audit event commit together (G1).
   */
  async createBotSession(p: CreateBotSessionParameters): Promise<BotTokenResponse> {
    const sessionId = randomUUID();
    const ttlSeconds = Math.min(
      this.config.lifetimes.accessToken,
      Math.floor((p.notAfter.getTime() - p.now.getTime()) / 1000),
    );
    if (ttlSeconds < 1)
      throw new InvalidGrantError("the delegation or key expires too soon to issue a token");
    const access = this.sessions.signAccess({
      subject: p.owner.subject,
      sessionId,
      scopes: p.grantedScopes,
      now: p.now,
      walletKind: p.owner.walletKind,
      ttlSeconds,
      act: { sub: p.actor },
      ...(p.keyThumbprint ? { cnf: { jkt: p.keyThumbprint } } : {}),
    });
    const expiresAt = new Date(access.claims.exp * 1000);
    await this.dataSource.transaction(async (manager) => {
      // J8: the credential is read before the owner's roles (seconds of RPC); a revocation since
      // must win. FOR SHARE makes a racing revocation wait for this commit, then end this session.
      const [table, credentialId] = p.delegationId
        ? ["delegations", p.delegationId]
        : ["api_keys", p.apiKeyId ?? null];
      const live: unknown[] = await manager.query(
        `SELECT 1 FROM ${table} WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2 FOR SHARE`,
        [credentialId, p.now],
      );
      if (live.length === 0) {
        throw new DelegationInactiveError("this delegation or API key was revoked or expired meanwhile");
      }
      await manager.getRepository(SessionEntity).insert({
        id: sessionId,
        subject: p.owner.subject,
        address: p.owner.address,
        chainId: p.owner.chainId,
        walletKind: p.owner.walletKind,
        scopes: p.grantedScopes,
        createdAt: p.now,
        lastUsedAt: p.now,
        idleExpiresAt: expiresAt,
        absoluteExpiresAt: expiresAt,
        revokedAt: null,
        revokedReason: null,
        clientAddress: p.context.clientAddress,
        userAgent: p.context.userAgent,
        requestedScopes: p.requestedScopes ?? null,
        loginMessage: null,
        loginSignature: null,
        actor: p.actor,
        delegationId: p.delegationId ?? null,
        apiKeyId: p.apiKeyId ?? null,
        keyThumbprint: p.keyThumbprint ?? null,
        scopesValidUntil: p.access.validUntil ?? null,
      });
      await insertGrant(manager, {
        method: p.method,
        sessionId,
        subject: p.owner.subject,
        actor: p.actor,
        requestedScopes: p.requestedScopes,
        grantedScopes: p.grantedScopes,
        access: p.access,
        context: p.context,
        now: p.now,
        expiresAt,
      });
      await this.audit.record(manager, {
        type: "bot_token_issued",
        outcome: "success",
        subject: p.owner.subject,
        chainId: p.owner.chainId,
        requestId: p.context.requestId,
        occurredAt: p.now,
        data: {
          sessionId,
          actor: p.actor,
          method: p.method,
          scopes: p.grantedScopes,
          block: blockOf(p.access),
        },
      });
    });
    return {
      access_token: access.token,
      token_type: p.keyThumbprint ? "DPoP" : "Bearer",
      expires_in: access.claims.exp - access.claims.iat,
      scope: access.claims.scope,
      session_id: sessionId,
      sub: p.owner.subject,
    };
  }
}
