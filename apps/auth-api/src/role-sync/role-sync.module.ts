import { Module } from "@nestjs/common";
import { SessionsModule } from "../sessions/sessions.module.js";
import { RoleSyncStatusService } from "./role-sync-status.service.js";
import { RoleSyncService } from "./role-sync.service.js";

/** Follows the role registry and narrows or ends the sessions it affects. */
@Module({
  imports: [SessionsModule],
  providers: [RoleSyncService, RoleSyncStatusService],
  exports: [RoleSyncService, RoleSyncStatusService],
})
export class RoleSyncModule {}
