import { Module } from "@nestjs/common";
import { SessionsModule } from "../sessions/sessions.module.js";
import { ApiKeysController } from "./api-keys/api-keys.controller.js";
import { ApiKeysService } from "./api-keys/api-keys.service.js";
import { BotSessions } from "./credentials/bot-sessions.service.js";
import { PerKeyLimiter } from "./credentials/per-key-limiter.service.js";
import { DelegationsController } from "./delegations/delegations.controller.js";
import { DelegationsService } from "./delegations/delegations.service.js";
import { DpopVerifier } from "./dpop/dpop-verifier.service.js";
import { ReplayStore } from "./dpop/replay-store.service.js";

/** Bots: delegated session keys (DPoP) and API keys, speaking for their owner. */
@Module({
  imports: [SessionsModule],
  controllers: [DelegationsController, ApiKeysController],
  providers: [ReplayStore, DpopVerifier, PerKeyLimiter, BotSessions, DelegationsService, ApiKeysService],
  exports: [DpopVerifier, ApiKeysService],
})
export class BotsModule {}
