import { Global, Module } from "@nestjs/common";
import { ChainClients } from "@sigil/chain";
import { AppConfig } from "@sigil/config";

/** Provides the viem clients of every configured chain. */
@Global()
@Module({
  providers: [
    { provide: ChainClients, inject: [AppConfig], useFactory: (c: AppConfig) => new ChainClients(c.chains) },
  ],
  exports: [ChainClients],
})
export class ChainModule {}
