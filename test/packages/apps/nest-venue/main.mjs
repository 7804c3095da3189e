// A NestJS venue that installed @sigil/guard from its tarball (plain JS: decorators applied by hand).
import "reflect-metadata";
import { Controller, Get, Module } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { CurrentPrincipal, Public, RequireScopes, SigilGuardModule } from "@sigil/guard";

class OrdersController {
  list(principal) {
    return { address: principal.address, scopes: [...principal.scopes].sort() };
  }
  health() {
    return { ok: true };
  }
}
Controller("orders")(OrdersController);
const method = (name) => [
  OrdersController.prototype,
  name,
  Object.getOwnPropertyDescriptor(OrdersController.prototype, name),
];
Get()(...method("list"));
RequireScopes("orders:read")(...method("list"));
CurrentPrincipal()(OrdersController.prototype, "list", 0);
Get("health")(...method("health"));
Public()(...method("health"));

class VenueModule {}
Module({
  imports: [
    SigilGuardModule.forRoot({
      issuer: process.env.SIGIL_ISSUER,
      audience: process.env.SIGIL_AUDIENCE,
      jwksUrl: `${process.env.SIGIL_URL}/.well-known/jwks.json`,
      revocations: {
        url: `${process.env.SIGIL_URL}/v1/revocations`,
        clientId: process.env.VENUE_CLIENT_ID,
        clientSecret: process.env.VENUE_CLIENT_SECRET,
        longPollMs: 5000,
      },
    }),
  ],
  controllers: [OrdersController],
})(VenueModule);

const app = await NestFactory.create(VenueModule, { logger: ["error"] });
await app.listen(0, "127.0.0.1");
console.log(JSON.stringify({ port: app.getHttpServer().address().port }));
