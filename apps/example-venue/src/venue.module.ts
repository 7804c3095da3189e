import { type DynamicModule, Module } from "@nestjs/common";
import { SigilGuardModule } from "@sigil/guard";
import { BenchController } from "./bench/bench.controller.js";
import { VenueConfig } from "./config/venue-config.js";
import { HealthController } from "./health/health.controller.js";
import { OrderBook } from "./orders/order-book.js";
import { OrdersController } from "./orders/orders.controller.js";
import { PositionsController } from "./positions/positions.controller.js";

/** The example venue: every route trusts Sigil tokens through libs/guard. */
@Module({})
export class VenueModule {
  static forConfig(config: VenueConfig): DynamicModule {
    return {
      module: VenueModule,
      imports: [
        SigilGuardModule.forRoot({
          issuer: config.issuer,
          audience: config.audience,
          jwksUrl: config.jwksUrl,
          revocations: config.revocationsUrl
            ? {
                url: config.revocationsUrl,
                clientId: config.clientId,
                clientSecret: config.clientSecret,
                // Held open up to 5 s and answered as soon as Sigil writes a revocation.
                longPollMs: 5_000,
              }
            : undefined,
          ...(config.publicUrl ? { dpop: { publicUrl: config.publicUrl } } : {}),
        }),
      ],
      providers: [{ provide: VenueConfig, useValue: config }, OrderBook],
      controllers: [HealthController, PositionsController, OrdersController, BenchController],
    };
  }
}
