import { Injectable } from "@nestjs/common";
import { InvalidDpopProofError, type VerifiedDpopProof, verifyDpopProof } from "@sigil/sessions";
import { header, type HttpRequest, pathOf } from "../../platform/http/http-types.js";
import { AppConfig } from "@sigil/config";
import { ReplayStore } from "./replay-store.service.js";

/** A verified proof's `jti`, to be stored once the route knows which key it expects. */
interface PendingJti {
  key: string;
  expiresAt: Date;
  now: Date;
}

/** Checks the `DPoP` header of a request to the auth-api (RFC 9449), `jti`s shared across instances. */
@Injectable()
export class DpopVerifier {
  private readonly pending = new WeakMap<HttpRequest, PendingJti>();

  constructor(
    private readonly config: AppConfig,
    private readonly replays: ReplayStore,
  ) {}

  /**
   * The proof of `request`, for `htu` = the issuer's URL of the path (never the Host header).
   * With `accessToken`, its `ath` must match; with `expectedJkt`, it must be signed by that key
   * and its `jti` is stored at once. Without it the `jti` waits for {@link confirmKey}: a proof
   * by any self-made key must not write a replay row (J6).
   */
  verify(
    request: HttpRequest,
    p: { accessToken?: string; expectedJkt?: string; now: Date },
  ): Promise<VerifiedDpopProof> {
    const path = pathOf(request);
    return verifyDpopProof({
      proof: header(request, "dpop"),
      method: request.method,
      url: `${this.config.issuer}${path}`,
      now: p.now,
      ...(p.accessToken === undefined ? {} : { accessToken: p.accessToken }),
      ...(p.expectedJkt === undefined ? {} : { expectedJkt: p.expectedJkt }),
      remember: async (jti, expiresAt) => {
        const pending = { key: `dpop:${jti}`, expiresAt, now: p.now };
        if (p.expectedJkt !== undefined) return this.replays.remember(pending);
        this.pending.set(request, pending);
        return true;
      },
    });
  }

  /**
   * Refuses the request's proof unless `expectedJkt` signed it, then stores its `jti` (refusing a
   * replay). Routes that verified a proof without an expected key call it once they know the key.
   */
  async confirmKey(request: HttpRequest, expectedJkt: string): Promise<void> {
    const pending = this.pending.get(request);
    if (!pending) throw new Error("confirmKey: this request has no verified DPoP proof awaiting its key");
    if (request.dpopProof?.jkt !== expectedJkt) {
      throw new InvalidDpopProofError("key_mismatch", "the proof is not signed by the delegated key");
    }
    this.pending.delete(request);
    if (!(await this.replays.remember(pending))) {
      throw new InvalidDpopProofError("replayed", "this DPoP proof was already used");
    }
  }
}
