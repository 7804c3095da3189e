import {
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  Module,
  type Provider,
} from "@nestjs/common";
import { APP_FILTER, APP_GUARD } from "@nestjs/core";
import { resolveVerifierOptions, type SigilVerifierOptions } from "@sigil/verify";
import { SigilGuardErrorFilter } from "./errors/sigil-guard-error.filter.js";
import { SigilAuthGuard } from "./guard/sigil-auth.guard.js";
import { SigilGuardHealth } from "./health/sigil-guard-health.js";
import {
  SigilVerifierLifecycle,
  SIGIL_VERIFIER,
  sigilVerifierProvider,
} from "./verifier/sigil-verifier.provider.js";

/** Options of {@link SigilGuardModule}: those of the `@sigil/verify` verifier it wraps. */
export type SigilGuardOptions = SigilVerifierOptions;

/** Options of {@link SigilGuardModule.forRootAsync}: options built from other providers. */
export interface SigilGuardAsyncOptions {
  imports?: ModuleMetadata["imports"];
  inject?: InjectionToken[];
  useFactory: (...args: never[]) => SigilGuardOptions | Promise<SigilGuardOptions>;
}

const PROVIDERS: Provider[] = [
  SigilVerifierLifecycle,
  SigilAuthGuard,
  SigilGuardHealth,
  // Secure by default: every route of the app needs a token unless marked @Public().
  { provide: APP_GUARD, useExisting: SigilAuthGuard },
  { provide: APP_FILTER, useClass: SigilGuardErrorFilter },
];
const EXPORTS = [SigilAuthGuard, SigilGuardHealth, SIGIL_VERIFIER];

/**
 * Protects every route of a NestJS resource server (Express or Fastify) with Sigil access tokens,
 * checked by the `@sigil/verify` verifier. Import it once, in the root module. Boot waits for the
 * first JWKS and feed answers but does not fail without them: protected routes answer 503 until
 * they arrive. Its error filter is an APP_FILTER, which a catch-all set with `app.useGlobalFilters`
 * overrides: such a filter should map `GUARD_ERROR_STATUS` (the guard sets the challenge headers).
 */
@Module({})
export class SigilGuardModule {
  /** The guard for options known at import time (validated now: a bad option stops the boot). */
  static forRoot(options: SigilGuardOptions): DynamicModule {
    resolveVerifierOptions(options);
    return {
      module: SigilGuardModule,
      providers: [sigilVerifierProvider(() => options), ...PROVIDERS],
      exports: EXPORTS,
    };
  }

  /** The guard for options built by a factory from other providers (e.g. a config service). */
  static forRootAsync({ imports, inject, useFactory }: SigilGuardAsyncOptions): DynamicModule {
    return {
      module: SigilGuardModule,
      imports,
      providers: [sigilVerifierProvider(useFactory, inject), ...PROVIDERS],
      exports: EXPORTS,
    };
  }
}
