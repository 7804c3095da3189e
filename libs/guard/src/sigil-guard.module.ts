import {
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  Module,
  type Provider,
} from "@nestjs/common";
import { APP_FILTER, APP_GUARD } from "@nestjs/core";
import { SigilAuthenticator } from "@sigil/verify";
import { DpopChecker } from "@sigil/verify";
import { SigilGuardErrorFilter } from "./errors/sigil-guard-error.filter.js";
import { SigilAuthGuard } from "./guard/sigil-auth.guard.js";
import { SigilGuardHealth } from "@sigil/verify";
import { JwksCache } from "@sigil/verify";
import { resolveGuardOptions } from "@sigil/verify";
import { SIGIL_GUARD_OPTIONS, type SigilGuardOptions } from "@sigil/verify";
import { RevocationFeed } from "@sigil/verify";

/** Options of {@link SigilGuardModule.forRootAsync}: options built from other providers. */
export interface SigilGuardAsyncOptions {
  imports?: ModuleMetadata["imports"];
  inject?: InjectionToken[];
  useFactory: (...args: never[]) => SigilGuardOptions | Promise<SigilGuardOptions>;
}

const PROVIDERS: Provider[] = [
  JwksCache,
  RevocationFeed,
  SigilAuthenticator,
  DpopChecker,
  SigilAuthGuard,
  SigilGuardHealth,
  // Secure by default: every route of the app needs a token unless marked @Public().
  { provide: APP_GUARD, useExisting: SigilAuthGuard },
  { provide: APP_FILTER, useClass: SigilGuardErrorFilter },
];

/**
 * Protects every route of a resource server with Sigil access tokens, verified offline against
 * the issuer's JWKS, with sessions checked against its revocation feed. Import it once, in the
 * root module. Boot waits for the first JWKS and feed answers but does not fail without them:
 * protected routes answer 503 until they arrive. Its error filter is an APP_FILTER, which a
 * catch-all set with `app.useGlobalFilters` overrides: such a filter should map
 * `GUARD_ERROR_STATUS` (the challenge headers are set by the guard either way).
 */
@Module({})
export class SigilGuardModule {
  /** The guard for options known at import time (validated now: a bad option stops the boot). */
  static forRoot(options: SigilGuardOptions): DynamicModule {
    return {
      module: SigilGuardModule,
      providers: [{ provide: SIGIL_GUARD_OPTIONS, useValue: resolveGuardOptions(options) }, ...PROVIDERS],
      exports: [SigilAuthGuard, SigilGuardHealth],
    };
  }

  /** The guard for options built by a factory from other providers (e.g. a config service). */
  static forRootAsync({ imports, inject, useFactory }: SigilGuardAsyncOptions): DynamicModule {
    return {
      module: SigilGuardModule,
      imports,
      providers: [
        {
          provide: SIGIL_GUARD_OPTIONS,
          inject,
          useFactory: async (...args: never[]) => resolveGuardOptions(await useFactory(...args)),
        },
        ...PROVIDERS,
      ],
      exports: [SigilAuthGuard, SigilGuardHealth],
    };
  }
}
