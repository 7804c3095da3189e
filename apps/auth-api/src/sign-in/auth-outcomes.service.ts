import { Injectable } from "@nestjs/common";
import { isSigilError } from "@sigil/core";
import { type Hex, isErc6492Signature } from "viem";
import type { LoginRequest } from "./auth.dto.js";
import { statementOf, verifiedWalletOf, walletNamedIn } from "@sigil/siwe";
import { ERROR_STATUS } from "../platform/errors/error-status.js";
import type { HttpRequest } from "../platform/http/http-types.js";
import { MetricsService } from "../platform/metrics/metrics.service.js";
import { RateLimitService } from "../platform/rate-limit/rate-limit.service.js";
import type { SecurityEventType } from "../platform/security-events/security-event.js";
import { SecurityEventsService } from "../platform/security-events/security-events.service.js";
import { createHash } from "node:crypto";

/**
 * Counts sign-in outcomes and token issuance, and turns failures into typed security events
 * (login failures by reason, nonce replay, signature failures, refresh reuse). The auth routes
 * call it around their work; a failure's event is recorded before the error reaches the client,
 * so the audit row exists when the client sees the error.
 *
 * A wrapper the handlers call rather than a Nest interceptor: each interceptor costs every request
 * of its routes an rxjs chain and an async resource (docs/benchmarks.md). Requests refused before
 * the handler (validation 400s, rate limits) are counted by the HTTP metrics.
 */
@Injectable()
export class AuthOutcomesService {
  constructor(
    private readonly metrics: MetricsService,
    private readonly events: SecurityEventsService,
    private readonly limits: RateLimitService,
  ) {}

  /** Runs a SIWE login (`body` is the request's, validated) and records its outcome. */
  async login<T>(request: HttpRequest, body: LoginRequest, work: () => Promise<T>): Promise<T> {
    const signatureKind = signatureKindOf(body.signature);
    let result: T;
    try {
      result = await work();
    } catch (error) {
      const code = isSigilError(error) ? error.code : "internal_error";
      this.metrics.loginsTotal.inc({ outcome: "failure", signature_kind: signatureKind, reason: code });
      const statement = statementOf(body.message);
      await this.emit(request, loginEventType(code), code, walletNamedIn(body.message), {
        ...(statement === undefined ? {} : { data: { statement } }),
      });
      await this.countWalletFailure(code, body);
      throw error;
    }
    this.metrics.loginsTotal.inc({ outcome: "success", signature_kind: signatureKind, reason: "none" });
    this.metrics.tokensIssued.inc({ method: "siwe" });
    return result;
  }

  /** Runs a refresh-token rotation and records its outcome. */
  async refresh<T>(request: HttpRequest, work: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      const code = isSigilError(error) ? error.code : "internal_error";
      if (code === "invalid_grant" && /already used/.test(String(error))) {
        // The session service audited the reuse and revoked the family in its own transaction.
        // Its revocation is counted by SessionService.revokeWithin, like every other one.
        this.metrics.refreshReuse.inc();
        await this.emit(request, "refresh_reuse", "refresh_token_reuse", undefined, { audited: true });
      }
      throw error;
    }
    this.metrics.tokensRefreshed.inc();
    this.metrics.tokensIssued.inc({ method: "refresh" });
    return result;
  }

  /**
   * A refused login (400/401, not a bad signature) whose signature is the named wallet's own counts
   * against that wallet for every client (J1); anything that proves nothing never does.
   */
  private async countWalletFailure(code: string, body: LoginRequest): Promise<void> {
    const status = ERROR_STATUS[code];
    if ((status !== 400 && status !== 401) || code === "signature_invalid" || code === "signature_mismatch")
      return;
    const wallet = await verifiedWalletOf(body.message, body.signature);
    if (wallet !== undefined) {
      const digest = createHash("sha256").update(body.message).digest("base64url");
      await this.limits.recordWalletFailure(wallet, digest);
    }
  }

  private emit(
    request: HttpRequest,
    type: SecurityEventType,
    reason: string,
    wallet: string | undefined,
    options: { audited?: boolean; data?: Record<string, unknown> } = {},
  ): Promise<void> {
    return this.events.emit(
      {
        type,
        reason,
        subject: wallet ?? null,
        clientAddress: request.ip ?? null,
        requestId: request.id ?? null,
        ...(options.data ? { data: options.data } : {}),
        occurredAt: new Date(),
      },
      { audited: options.audited },
    );
  }
}

function loginEventType(code: string): SecurityEventType {
  if (code === "nonce_used") return "nonce_replay";
  if (code === "signature_invalid" || code === "signature_mismatch") return "signature_failed";
  return "login_failed";
}

/** The signature's format: 65-byte ECDSA (EOA), ERC-6492 wrapped, else contract-wallet (1271). */
function signatureKindOf(signature: string): string {
  if (isErc6492Signature(signature as Hex)) return "eip6492";
  return signature.length === 132 ? "eoa" : "eip1271";
}
