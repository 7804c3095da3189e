import { Injectable } from "@nestjs/common";
import {
  type AccessSnapshot,
  grantedProvenance,
  NonceUsedError,
  type TokenResponse,
  type WalletKind,
} from "@sigil/core";
import {
  type StatementBatcher,
  blockOf,
  grantRoles,
  readNonceRefusal,
  createLoginRecorder,
  type LoginRecord,
} from "@sigil/persistence";
import { generateRefreshToken } from "@sigil/sessions";
import { randomUUID } from "node:crypto";
import { DataSource } from "typeorm";
import { AppConfig } from "@sigil/config";
import { MetricsService } from "../platform/metrics/metrics.service.js";
import type { RequestContext } from "../platform/http/request-context.js";
import { addSeconds, SessionService } from "../sessions/session.service.js";

export interface CreateLoginSessionParameters {
  context: RequestContext;
  now: Date;
  nonce: string;
  subject: string;
  address: string;
  chainId: number;
  walletKind: WalletKind;
  requestedScopes: string[] | undefined;
  grantedScopes: string[];
  access: AccessSnapshot;
  /** Contract wallets only: kept to re-verify on refresh (A9). */
  login?: { message: string; signature: string };
}

/** Records a login's session, first refresh token, grant and audit event (SECURITY-TESTS G1). */
@Injectable()
export class LoginSessions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly sessions: SessionService,
    metrics: MetricsService,
  ) {
    this.loginRecorder = createLoginRecorder(dataSource, (size) =>
      metrics.writeBatchSize.observe({ statement: "login" }, size),
    );
  }

  /** Writes logins, several per statement under load (group commit). */
  private readonly loginRecorder: StatementBatcher<LoginRecord, boolean>;

  /** Consumes the nonce and records session, first refresh token, grant and audit event at once (G1). */
  async createLoginSession(p: CreateLoginSessionParameters): Promise<TokenResponse> {
    const { lifetimes } = this.config;
    const sessionId = randomUUID();
    const refresh = generateRefreshToken();
    const absoluteExpiresAt = addSeconds(p.now, lifetimes.refreshAbsolute);
    const idleExpiresAt = addSeconds(p.now, lifetimes.refreshIdle);
    const access = this.sessions.signAccess({
      subject: p.subject,
      sessionId,
      scopes: p.grantedScopes,
      now: p.now,
      walletKind: p.walletKind,
    });

    const recorded = await this.loginRecorder.run({
      nonce: p.nonce,
      now: p.now,
      sessionId,
      subject: p.subject,
      address: p.address,
      chainId: p.chainId,
      walletKind: p.walletKind,
      grantedScopes: p.grantedScopes,
      requestedScopes: p.requestedScopes ?? null,
      idleExpiresAt,
      absoluteExpiresAt,
      clientAddress: p.context.clientAddress,
      userAgent: p.context.userAgent,
      loginMessage: p.login?.message ?? null,
      loginSignature: p.login?.signature ?? null,
      refreshTokenHash: refresh.hash,
      roles: grantRoles(p.access),
      blockNumber: p.access.block.number,
      blockHash: p.access.block.hash,
      grantExpiresAt: new Date(access.claims.exp * 1000),
      scopeSources: grantedProvenance({ provenance: p.access.provenance, granted: p.grantedScopes }),
      scopesValidUntil: p.access.validUntil ?? null,
      requestId: p.context.requestId,
      auditData: { sessionId, walletKind: p.walletKind, scopes: p.grantedScopes, block: blockOf(p.access) },
    });
    if (!recorded) {
      // Only now, on the failure path, ask why (unknown, used, expired or another challenge's).
      throw (
        (await readNonceRefusal(this.dataSource, p)) ??
        new NonceUsedError("this nonce has already been used to sign in")
      );
    }
    return this.sessions.tokenResponse({
      access,
      refreshToken: refresh.token,
      sessionId,
      subject: p.subject,
    });
  }
}
