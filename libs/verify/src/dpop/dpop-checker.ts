import type { ResolvedVerifierOptions } from "../options/verifier-options.js";
import { DpopReplayCache } from "./dpop-replay-cache.js";
import { type DpopRequest, verifyRequestProof } from "./verify-request-proof.js";

/** The verifier's DPoP proof check, with this process's replay cache. */
export class DpopChecker {
  private readonly replays: DpopReplayCache;
  private readonly now: () => Date;

  constructor(private readonly options: ResolvedVerifierOptions) {
    this.now = options.now ?? (() => new Date());
    this.replays = new DpopReplayCache(options.dpop.replayCacheSize, () => this.now().getTime());
  }

  /** Throws InvalidDpopProofError unless the request's proof is valid for `accessToken` and `jkt`. */
  verify(p: { request: DpopRequest; accessToken: string; jkt: string }): Promise<void> {
    return verifyRequestProof({
      ...p,
      publicUrl: this.options.dpop.publicUrl,
      replays: this.replays,
      now: this.now(),
      maxAgeSeconds: this.options.dpop.maxProofAgeSeconds,
    });
  }
}
