import { Module } from "@nestjs/common";
import { APP_GUARD } from "@nestjs/core";
import { AccessGuard } from "../access/access.guard.js";
import { LiveScopes } from "../access/live-scopes.js";
import { AuditService } from "../audit/audit.service.js";
import { AccessReaderService } from "../chain/access-reader.service.js";
import { GrantsController } from "../grants/grants.controller.js";
import { SigningKeysService } from "../keys/signing-keys.service.js";
import { OAuthController } from "../oauth/oauth.controller.js";
import { AuthRateLimitGuard } from "../rate-limit/auth-rate-limit.guard.js";
import { RoleSyncStatusService } from "../role-sync/role-sync-status.service.js";
import { RoleSyncService } from "../role-sync/role-sync.service.js";
import { RevocationSignalService } from "../revocations/revocation-signal.service.js";
import { RevocationsController } from "../revocations/revocations.controller.js";
import { SessionService } from "../sessions/session.service.js";
import { SessionsController } from "../sessions/sessions.controller.js";
import { WellKnownController } from "../well-known/well-known.controller.js";
import { ApiKeysController } from "../api-keys/api-keys.controller.js";
import { ApiKeysService } from "../api-keys/api-keys.service.js";
import { PerKeyLimiter } from "../api-keys/per-key-limiter.service.js";
import { DelegationsController } from "../delegations/delegations.controller.js";
import { DelegationsService } from "../delegations/delegations.service.js";
import { DpopVerifier } from "../dpop/dpop-verifier.service.js";
import { ReplayStore } from "../dpop/replay-store.service.js";
import { AuthController } from "./auth.controller.js";
import { LoginService } from "./login.service.js";

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
    SessionService,
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
