import { Global, Module } from "@nestjs/common";
import { ChainClients } from "@sigil/chain";
import { AppConfig } from "@sigil/config";
import { AccessReaderService } from "./access-reader.service.js";

/** Provides the viem clients of every configured chain, and the reader of roles through them. */
@Global()
@Module({
  providers: [
    { provide: ChainClients, inject: [AppConfig], useFactory: (c: AppConfig) => new ChainClients(c.chains) },
    AccessReaderService,
  ],
  exports: [ChainClients, AccessReaderService],
})
export class ChainModule {}
