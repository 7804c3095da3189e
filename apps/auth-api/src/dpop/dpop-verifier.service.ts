import { Injectable } from "@nestjs/common";
import { type VerifiedDpopProof, verifyDpopProof } from "@sigil/sessions";
import type { Request } from "express";
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
    request: Request,
    p: { accessToken?: string; expectedJkt?: string; now: Date },
  ): Promise<VerifiedDpopProof> {
    const path = (request.originalUrl ?? request.url).split("?")[0]!;
    return verifyDpopProof({
      proof: request.header("dpop"),
      method: request.method,
      url: `${this.config.issuer}${path}`,
      now: p.now,
      ...(p.accessToken === undefined ? {} : { accessToken: p.accessToken }),
      ...(p.expectedJkt === undefined ? {} : { expectedJkt: p.expectedJkt }),
      remember: (jti, expiresAt) => this.replays.remember({ key: `dpop:${jti}`, expiresAt, now: p.now }),
    });
  }
}
