import { Inject, Injectable } from "@nestjs/common";
import type { SigilVerifier, SigilVerifierStatus } from "@sigil/verify";
import { SIGIL_VERIFIER } from "../verifier/sigil-verifier.provider.js";

/** What the guard can currently do; for a resource server's readiness endpoint. */
export type SigilGuardStatus = SigilVerifierStatus;

/** Reports {@link SigilGuardStatus}; inject it into a health controller. */
@Injectable()
export class SigilGuardHealth {
  constructor(@Inject(SIGIL_VERIFIER) private readonly verifier: SigilVerifier) {}

  status(): SigilGuardStatus {
    return this.verifier.status();
  }
}
