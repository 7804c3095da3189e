import { Global, Module } from "@nestjs/common";
import { AuditService } from "./audit.service.js";

/** Audit events, written in the caller's transaction; injectable everywhere. */
@Global()
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
