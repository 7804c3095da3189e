import { Module } from "@nestjs/common";
import { AccessModule } from "../access/access.module.js";
import { KeysModule } from "../keys/keys.module.js";
import { SessionsModule } from "../sessions/sessions.module.js";
import { OAuthController } from "./oauth.controller.js";

/** OAuth endpoints for resource servers: introspection and revocation. */
@Module({ imports: [AccessModule, KeysModule, SessionsModule], controllers: [OAuthController] })
export class OAuthModule {}
