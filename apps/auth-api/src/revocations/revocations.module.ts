import { Module } from "@nestjs/common";
import { RoleSyncModule } from "../role-sync/role-sync.module.js";
import { SessionsModule } from "../sessions/sessions.module.js";
import { RevocationsController } from "./revocations.controller.js";

/** The revocation feed resource servers poll. */
@Module({ imports: [SessionsModule, RoleSyncModule], controllers: [RevocationsController] })
export class RevocationsModule {}
