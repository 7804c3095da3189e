import "reflect-metadata";
import { Controller, type DynamicModule, Get, type INestApplication, Module, Post } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import {
  CurrentPrincipal,
  Public,
  RequireScopes,
  SigilGuardModule,
  type SigilGuardOptions,
  type SigilPrincipal,
} from "@sigil/guard";

/** The principal as JSON (its scope set as a sorted list). */
export function describePrincipal(principal: SigilPrincipal) {
  return { ...principal, scopes: [...principal.scopes].sort() };
}

@Controller()
class ProbeController {
  @Public()
  @Get("public")
  open() {
    return { ok: true };
  }

  @Get("me")
  me(@CurrentPrincipal() principal: SigilPrincipal) {
    return describePrincipal(principal);
  }

  @RequireScopes("positions:read")
  @Get("positions")
  positions(@CurrentPrincipal() principal: SigilPrincipal) {
    return { address: principal.address };
  }

  @RequireScopes("orders:write")
  @Post("orders")
  order() {
    return { accepted: true };
  }

  @Public()
  @Get("public/principal")
  misuse(@CurrentPrincipal() principal: SigilPrincipal) {
    return principal;
  }
}

@RequireScopes("orders:read")
@Controller("desk")
class DeskController {
  @Get("book")
  book() {
    return { book: [] };
  }

  @RequireScopes("orders:write")
  @Get("both")
  both() {
    return { both: true };
  }
}

/** A minimal resource server: the guard module with its own filter, nothing else. */
export async function createGuardedApp(
  options: SigilGuardOptions,
  beforeInit?: (app: INestApplication) => void,
): Promise<INestApplication> {
  return createGuardedAppWith(SigilGuardModule.forRoot(options), beforeInit);
}

/** The same resource server around a guard module built some other way (forRootAsync). */
export async function createGuardedAppWith(
  guardModule: DynamicModule,
  beforeInit?: (app: INestApplication) => void,
): Promise<INestApplication> {
  @Module({ imports: [guardModule], controllers: [ProbeController, DeskController] })
  class ProbeModule {}
  const app = await NestFactory.create(ProbeModule, { logger: false, abortOnError: false });
  beforeInit?.(app);
  await app.init();
  return app;
}
