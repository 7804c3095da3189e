import { Module } from "@nestjs/common";
import { AuthRateLimitGuard } from "../platform/rate-limit/auth-rate-limit.guard.js";
import { SessionsModule } from "../sessions/sessions.module.js";
import { AuthController } from "./auth.controller.js";
import { AuthOutcomesService } from "./auth-outcomes.service.js";
import { LoginSessions } from "./login-sessions.service.js";
import { LoginService } from "./login.service.js";

/** Sign-in: nonce, challenge, login and refresh. */
@Module({
  imports: [SessionsModule],
  controllers: [AuthController],
  providers: [LoginService, LoginSessions, AuthOutcomesService, AuthRateLimitGuard],
})
export class SignInModule {}
