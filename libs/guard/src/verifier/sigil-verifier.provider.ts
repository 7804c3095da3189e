import {
  Inject,
  Injectable,
  type InjectionToken,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
  type Provider,
} from "@nestjs/common";
import { SigilVerifier, type SigilVerifierOptions } from "@sigil/verify";

/** DI token of the module's {@link SigilVerifier}. */
export const SIGIL_VERIFIER = Symbol("SIGIL_VERIFIER");

/** The verifier for `options`, logging through Nest unless the options name a logger. */
export function sigilVerifierProvider(
  options: (...args: never[]) => SigilVerifierOptions | Promise<SigilVerifierOptions>,
  inject: InjectionToken[] = [],
): Provider {
  const logger = new Logger("SigilGuard");
  return {
    provide: SIGIL_VERIFIER,
    inject,
    useFactory: async (...args: never[]) =>
      new SigilVerifier({
        logger: { info: (message) => logger.log(message), warn: (message) => logger.warn(message) },
        ...(await options(...args)),
      }),
  };
}

/** Boot waits for the first JWKS and feed answers (without failing on them); shutdown stops the polls. */
@Injectable()
export class SigilVerifierLifecycle implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(SIGIL_VERIFIER) private readonly verifier: SigilVerifier) {}

  onModuleInit(): Promise<void> {
    return this.verifier.start();
  }

  onModuleDestroy(): void {
    this.verifier.close();
  }
}
