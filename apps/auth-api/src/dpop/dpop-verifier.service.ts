import { Injectable } from "@nestjs/common";
import { type VerifiedDpopProof, verifyDpopProof } from "@sigil/sessions";
import { header, type HttpRequest, pathOf } from "../http/http-types.js";
import { AppConfig } from "../config/app-config.js";
import { ReplayStore } from "./replay-store.service.js";

/** Checks the `DPoP` header of a request to the auth-api (RFC 9449), `jti`s shared across instances. */
@Injectable()
export class DpopVerifier {
  constructor(
    private readonly config: AppConfig,
    private readonly replays: ReplayStore,
  ) {}

  /**
   * The proof of `request`, for `htu` = the issuer's URL of the path (never the Host header).
   * With `accessToken`, its `ath` must match; with `expectedJkt`, it must be signed by that key.
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
      remember: (jti, expiresAt) => this.replays.remember({ key: `dpop:${jti}`, expiresAt, now: p.now }),
    });
  }
}
