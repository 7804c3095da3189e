import { Module } from "@nestjs/common";
import { APP_GUARD } from "@nestjs/core";
import { BotsModule } from "../bots/bots.module.js";
import { KeysModule } from "../keys/keys.module.js";
import { RoleSyncModule } from "../role-sync/role-sync.module.js";
import { SessionsModule } from "../sessions/sessions.module.js";
import { AccessGuard } from "./access.guard.js";
import { LiveScopes } from "./live-scopes.js";

/** The guard every route passes (route policies, tokens, DPoP, API keys) and live scopes. */
@Module({
  imports: [KeysModule, SessionsModule, RoleSyncModule, BotsModule],
  providers: [LiveScopes, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [LiveScopes],
})
export class AccessModule {}
