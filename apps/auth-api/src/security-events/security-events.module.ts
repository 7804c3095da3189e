import { Global, Module } from "@nestjs/common";
import { AuditService } from "../audit/audit.service.js";
import { AuthEventsInterceptor } from "./auth-events.interceptor.js";
import { SecurityEventsService } from "./security-events.service.js";

/** The security event stream, injectable everywhere. */
@Global()
@Module({
  providers: [AuditService, SecurityEventsService, AuthEventsInterceptor],
  exports: [SecurityEventsService, AuthEventsInterceptor],
})
export class SecurityEventsModule {}
