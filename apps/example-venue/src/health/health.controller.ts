import { Controller, Get } from "@nestjs/common";
import { Public, SigilGuardHealth, type SigilGuardStatus } from "@sigil/guard";

/** Liveness, with what the guard can do right now (keys known, revocation feed current). */
@Controller("health")
export class HealthController {
  constructor(private readonly guard: SigilGuardHealth) {}

  @Get()
  @Public()
  health(): { status: "ok"; guard: SigilGuardStatus } {
    return { status: "ok", guard: this.guard.status() };
  }
}
