import { Module } from "@nestjs/common";
import { AccessModule } from "./access/access.module.js";
import { BotsModule } from "./bots/bots.module.js";
import { GrantsModule } from "./grants/grants.module.js";
import { KeysModule } from "./keys/keys.module.js";
import { OAuthModule } from "./oauth/oauth.module.js";
import { RevocationsModule } from "./revocations/revocations.module.js";
import { RoleSyncModule } from "./role-sync/role-sync.module.js";
import { SessionsModule } from "./sessions/sessions.module.js";
import { SignInModule } from "./sign-in/sign-in.module.js";
import { WellKnownModule } from "./well-known/well-known.module.js";

/** Sign-in, sessions, tokens, grants and the endpoints resource servers use: one module per feature. */
@Module({
  imports: [
    SignInModule,
    SessionsModule,
    GrantsModule,
    OAuthModule,
    WellKnownModule,
    RevocationsModule,
    BotsModule,
    KeysModule,
    RoleSyncModule,
    AccessModule,
  ],
})
export class AuthModule {}
