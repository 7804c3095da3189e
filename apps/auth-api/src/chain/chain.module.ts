import { Global, Module } from "@nestjs/common";
import { ChainClients } from "@sigil/chain";
import { AppConfig } from "../platform/config/app-config.js";

/** Provides the viem clients of every configured chain. */
@Global()
@Module({
  providers: [
    { provide: ChainClients, inject: [AppConfig], useFactory: (c: AppConfig) => new ChainClients(c.chains) },
  ],
  exports: [ChainClients],
})
export class ChainModule {}
