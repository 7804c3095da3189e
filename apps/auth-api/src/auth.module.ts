import { Module } from "@nestjs/common";
import { APP_GUARD } from "@nestjs/core";
import { AccessGuard } from "./access/access.guard.js";
import { LiveScopes } from "./access/live-scopes.js";
import { AuditService } from "./platform/audit/audit.service.js";
import { AccessReaderService } from "./chain/access-reader.service.js";
import { GrantsController } from "./grants/grants.controller.js";
import { SigningKeysService } from "./keys/signing-keys.service.js";
import { OAuthController } from "./oauth/oauth.controller.js";
import { AuthRateLimitGuard } from "./platform/rate-limit/auth-rate-limit.guard.js";
import { RoleSyncStatusService } from "./role-sync/role-sync-status.service.js";
import { RoleSyncService } from "./role-sync/role-sync.service.js";
import { RevocationSignalService } from "./sessions/revocation-signal.service.js";
import { RevocationsController } from "./revocations/revocations.controller.js";
import { SessionService } from "./sessions/session.service.js";
import { SessionsController } from "./sessions/sessions.controller.js";
import { WellKnownController } from "./well-known/well-known.controller.js";
import { ApiKeysController } from "./bots/api-keys/api-keys.controller.js";
import { ApiKeysService } from "./bots/api-keys/api-keys.service.js";
import { PerKeyLimiter } from "./bots/credentials/per-key-limiter.service.js";
import { DelegationsController } from "./bots/delegations/delegations.controller.js";
import { DelegationsService } from "./bots/delegations/delegations.service.js";
import { DpopVerifier } from "./bots/dpop/dpop-verifier.service.js";
import { ReplayStore } from "./bots/dpop/replay-store.service.js";
import { AuthController } from "./sign-in/auth.controller.js";
import { AuthOutcomesService } from "./sign-in/auth-outcomes.service.js";
import { LoginService } from "./sign-in/login.service.js";
import { LoginSessions } from "./sign-in/login-sessions.service.js";
import { BotSessions } from "./bots/credentials/bot-sessions.service.js";

/** Sign-in, sessions, tokens, grants and the endpoints resource servers use. */
@Module({
  controllers: [
    AuthController,
    SessionsController,
    GrantsController,
    OAuthController,
    WellKnownController,
    RevocationsController,
    DelegationsController,
    ApiKeysController,
  ],
  providers: [
    LoginService,
    AuthOutcomesService,
    SessionService,
    LoginSessions,
    BotSessions,
    SigningKeysService,
    AuditService,
    AccessReaderService,
    RoleSyncService,
    RoleSyncStatusService,
    LiveScopes,
    RevocationSignalService,
    AuthRateLimitGuard,
    ReplayStore,
    DpopVerifier,
    PerKeyLimiter,
    DelegationsService,
    ApiKeysService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
})
export class AuthModule {}
