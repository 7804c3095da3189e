import { Body, Controller, Header, HttpCode, Post, Req } from "@nestjs/common";
import { ApiBasicAuth, ApiTags } from "@nestjs/swagger";
import { isSigilError } from "@sigil/core";
import { RefreshTokenEntity, SessionEntity } from "@sigil/persistence";
import {
  type AccessTokenClaims,
  hashRefreshToken,
  isRefreshTokenShape,
  verifyAccessToken,
} from "@sigil/sessions";
import type { HttpRequest } from "../platform/http/http-types.js";
import { AcceptsForms } from "../platform/http/request-bodies.js";
import { DataSource } from "typeorm";
import { LiveScopes } from "../access/live-scopes.js";
import { ClientAuthenticated, Public } from "../platform/http/route-policy.js";
import { AppConfig } from "@sigil/config";
import { AccessTokenVerifier } from "../keys/access-token-verifier.js";
import { SigningKeysService } from "../keys/signing-keys.service.js";
import { SessionService } from "../sessions/session.service.js";
import { TokenRequest } from "./oauth.dto.js";
import { TokenEndpointLimit } from "../platform/rate-limit/token-endpoint-limit.js";

/** RFC 7009 revocation and RFC 7662 introspection. */
@ApiTags("oauth")
@Controller("oauth")
export class OAuthController {
  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly keys: SigningKeysService,
    private readonly tokens: AccessTokenVerifier,
    private readonly sessions: SessionService,
    private readonly liveScopes: LiveScopes,
  ) {}

  /**
   * Revokes the session behind an access or refresh token. Holding the token is the authority
   * (public clients); the answer is 200 whether or not the token was valid (RFC 7009 §2.2).
   */
  @Post("revoke")
  @AcceptsForms()
  @TokenEndpointLimit()
  @Public()
  @HttpCode(200)
  async revoke(@Body() body: TokenRequest, @Req() request: HttpRequest): Promise<Record<string, never>> {
    const sessionId = await this.sessionOf(body.token, { allowExpired: true });
    if (sessionId) {
      await this.sessions.revoke({
        sessionId,
        reason: "revoked_token",
        now: new Date(),
        requestId: request.id ?? "",
      });
    }
    return {};
  }

  /**
   * Token state for resource servers (client authentication required; B8). `scope` is the token's
   * live scopes, as the access guard and `/v1/me` see them; an active token whose chain roles are
   * unconfirmed gets 503 role_sync_stale, never `active: true` with scopes that may be gone (J3).
   */
  @Post("introspect")
  @AcceptsForms()
  @ClientAuthenticated()
  @ApiBasicAuth()
  @HttpCode(200)
  @Header("Cache-Control", "no-store")
  async introspect(@Body() body: TokenRequest): Promise<Record<string, unknown>> {
    const now = new Date();
    if (isRefreshTokenShape(body.token)) {
      const session = await this.refreshSession(body.token, now);
      if (!session) return { active: false };
      return {
        active: true,
        token_type: "refresh_token",
        sub: session.subject,
        sid: session.id,
        scope: [...this.liveScopes.of(session.scopes.join(" "), session)].join(" "),
        exp: Math.floor(session.absoluteExpiresAt.getTime() / 1000),
        iss: this.config.issuer,
      };
    }
    const claims = this.verify(body.token, now);
    const session = claims && (await this.sessions.findActive(claims.sid, now));
    if (!claims || !session) return { active: false };
    const scope = [...this.liveScopes.of(claims.scope, session)].join(" ");
    return { active: true, token_type: "access_token", ...claims, scope };
  }

  private verify(token: string, now: Date, allowExpired = false): AccessTokenClaims | undefined {
    try {
      if (!allowExpired) return this.tokens.verify(token, now);
      return verifyAccessToken({
        token,
        resolveKey: (kid) => this.keys.publicKey(kid),
        issuer: this.config.issuer,
        audience: this.config.audience,
        now,
        // Revoking an expired token is harmless and ends its session: accept up to the refresh horizon.
        clockToleranceSeconds: this.config.lifetimes.refreshAbsolute,
      });
    } catch (error) {
      if (isSigilError(error)) return undefined;
      throw error;
    }
  }

  private async sessionOf(
    token: string,
    { allowExpired }: { allowExpired: boolean },
  ): Promise<string | undefined> {
    if (isRefreshTokenShape(token)) {
      const row = await this.dataSource
        .getRepository(RefreshTokenEntity)
        .findOne({ where: { tokenHash: hashRefreshToken(token) }, select: { sessionId: true } });
      return row?.sessionId;
    }
    return this.verify(token, new Date(), allowExpired)?.sid;
  }

  private async refreshSession(token: string, now: Date): Promise<SessionEntity | undefined> {
    const row = await this.dataSource
      .getRepository(RefreshTokenEntity)
      .findOneBy({ tokenHash: hashRefreshToken(token) });
    if (!row || row.usedAt !== null || row.revokedAt !== null || row.expiresAt <= now) return undefined;
    return this.sessions.findActive(row.sessionId, now);
  }
}
