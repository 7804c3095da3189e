import { Global, Module } from "@nestjs/common";
import { AuditService } from "../audit/audit.service.js";
import { SecurityEventsService } from "./security-events.service.js";

/** The security event stream, injectable everywhere. */
@Global()
@Module({
  providers: [AuditService, SecurityEventsService],
  exports: [SecurityEventsService],
})
export class SecurityEventsModule {}
