import { Body, Controller, Get, Header, HttpCode, Post, Req, UseGuards } from "@nestjs/common";
import { ApiBearerAuth, ApiOkResponse, ApiTags } from "@nestjs/swagger";
import { normalizeScopes } from "@sigil/core";
import type { HttpRequest } from "../platform/http/http-types.js";
import { Authenticated, Public } from "../platform/http/route-policy.js";
import { CurrentPrincipal, type Principal } from "../platform/http/principal.js";
import { requestContext } from "../platform/http/request-context.js";
import { AuthRateLimitGuard } from "../platform/rate-limit/auth-rate-limit.guard.js";
import { AuthOutcomesService } from "./auth-outcomes.service.js";
import { SessionService } from "../sessions/session.service.js";
import type { TokenResponse } from "@sigil/core";
import {
  ChallengeRequest,
  ChallengeResponse,
  LoginRequest,
  NonceResponse,
  RefreshRequest,
  TokenResponseDto,
} from "./auth.dto.js";
import { LoginService } from "./login.service.js";

/** Sign-In with Ethereum and the session lifecycle. */
@ApiTags("auth")
@Controller("v1/auth")
@UseGuards(AuthRateLimitGuard)
export class AuthController {
  constructor(
    private readonly login: LoginService,
    private readonly sessions: SessionService,
    private readonly outcomes: AuthOutcomesService,
  ) {}

  @Get("nonce")
  @Public()
  @Header("Cache-Control", "no-store")
  @ApiOkResponse({ type: NonceResponse })
  async nonce(): Promise<NonceResponse> {
    const { nonce, expiresAt } = await this.login.issueNonce({ now: new Date() });
    return { nonce, expiresAt: expiresAt.toISOString() };
  }

  @Post("challenge")
  @Public()
  @HttpCode(200)
  @Header("Cache-Control", "no-store")
  @ApiOkResponse({ type: ChallengeResponse })
  async challenge(@Body() body: ChallengeRequest): Promise<ChallengeResponse> {
    const scopes = body.scope === undefined ? undefined : normalizeScopes(body.scope);
    const result = await this.login.challenge({
      now: new Date(),
      address: body.address,
      chainId: body.chainId,
      scopes,
    });
    return { nonce: result.nonce, message: result.message, expiresAt: result.expiresAt.toISOString() };
  }

  @Post("login")
  @Public()
  @HttpCode(200)
  @Header("Cache-Control", "no-store")
  @ApiOkResponse({ type: TokenResponseDto })
  signIn(@Body() body: LoginRequest, @Req() request: HttpRequest): Promise<TokenResponse> {
    return this.outcomes.login(request, body, () =>
      this.login.login({
        message: body.message,
        signature: body.signature,
        context: requestContext(request),
        now: new Date(),
      }),
    );
  }

  @Post("refresh")
  @Public()
  @HttpCode(200)
  @Header("Cache-Control", "no-store")
  @ApiOkResponse({ type: TokenResponseDto })
  refresh(@Body() body: RefreshRequest, @Req() request: HttpRequest): Promise<TokenResponse> {
    return this.outcomes.refresh(request, () =>
      this.login.refresh({
        refreshToken: body.refresh_token,
        context: requestContext(request),
        now: new Date(),
      }),
    );
  }

  @Post("logout")
  @Authenticated()
  @HttpCode(204)
  @ApiBearerAuth()
  async logout(@CurrentPrincipal() principal: Principal, @Req() request: HttpRequest): Promise<void> {
    await this.sessions.revoke({
      sessionId: principal.session.id,
      reason: "logout",
      now: new Date(),
      requestId: request.id ?? "",
    });
  }
}
