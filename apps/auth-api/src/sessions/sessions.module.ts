import { Module } from "@nestjs/common";
import { KeysModule } from "../keys/keys.module.js";
import { RevocationSignalService } from "./revocation-signal.service.js";
import { SessionCache } from "./session-cache.js";
import { SessionService } from "./session.service.js";
import { SessionsController } from "./sessions.controller.js";

/** Sessions: lookups, refresh rotation, revocation and narrowing, the session list. */
@Module({
  imports: [KeysModule],
  controllers: [SessionsController],
  providers: [SessionService, SessionCache, RevocationSignalService],
  exports: [SessionService, RevocationSignalService],
})
export class SessionsModule {}
