import { Injectable } from "@nestjs/common";
import { isSigilError } from "@sigil/core";
import type { HttpRequest } from "../http/http-types.js";
import { MetricsService } from "../metrics/metrics.service.js";
import type { SecurityEventType } from "./security-event.js";
import { SecurityEventsService } from "./security-events.service.js";

/** Address line of a SIWE message (line 2): the wallet a failed login names. */
const ADDRESS_LINE = /^[^\n]*\n(0x[0-9a-fA-F]{40})\n/;
/** The SIWE statement: between the address line's blank line and the blank line before `URI:`. */
const STATEMENT = /^[^\n]*\n0x[0-9a-fA-F]{40}\n\n([\s\S]*?)\n\nURI: /;
/** Statements longer than this are cut in events: the body is attacker-sized. */
const STATEMENT_MAX = 200;
/** ERC-6492 signatures end with this magic suffix. */
const ERC6492_SUFFIX = "6492649264926492649264926492649264926492649264926492649264926492";

/**
 * Counts sign-in outcomes and token issuance, and turns failures into typed security events
 * (login failures by reason, nonce replay, signature failures, refresh reuse). The auth routes
 * call it around their work; a failure's event is recorded before the error reaches the client,
 * so the audit row exists when the client sees the error.
 *
 * A wrapper the handlers call rather than a Nest interceptor: each interceptor costs every request
 * of its routes an rxjs chain and an async resource. Measured side by side (`npm run bench:ab` with
 * AB_PIN=1 AB_TOGETHER=1, 8 rounds), dropping it cut the auth-api's CPU per sign-in by 6 % in one
 * run and 19 % in another. Requests refused before the handler (validation 400s, rate limits) are
 * counted by the HTTP metrics.
 */
@Injectable()
export class AuthOutcomesService {
  constructor(
    private readonly metrics: MetricsService,
    private readonly events: SecurityEventsService,
  ) {}

  /** Runs a SIWE login (`body` is the request's) and records its outcome. */
  async login<T>(
    request: HttpRequest,
    body: { message?: unknown; signature?: unknown },
    work: () => Promise<T>,
  ): Promise<T> {
    const signatureKind = signatureKindOf(body.signature);
    let result: T;
    try {
      result = await work();
    } catch (error) {
      const code = isSigilError(error) ? error.code : "internal_error";
      this.metrics.loginsTotal.inc({ outcome: "failure", signature_kind: signatureKind, reason: code });
      const wallet = typeof body.message === "string" ? ADDRESS_LINE.exec(body.message)?.[1] : undefined;
      const statement = statementOf(body.message);
      await this.emit(request, loginEventType(code), code, wallet, {
        ...(statement === undefined ? {} : { data: { statement } }),
      });
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

/**
 * The statement a failed login carried (what a phishing site asked the wallet to sign), cut to
 * {@link STATEMENT_MAX} characters; pino JSON-encodes it, so control characters stay in the field (I3).
 */
export function statementOf(message: unknown): string | undefined {
  if (typeof message !== "string") return undefined;
  return STATEMENT.exec(message.slice(0, 4_096))?.[1]?.slice(0, STATEMENT_MAX);
}

/** The signature's format: 65-byte ECDSA (EOA), ERC-6492 wrapped, else contract-wallet (1271). */
function signatureKindOf(signature: unknown): string {
  if (typeof signature !== "string" || !/^0x[0-9a-fA-F]*$/.test(signature)) return "unknown";
  if (signature.toLowerCase().endsWith(ERC6492_SUFFIX)) return "eip6492";
  return signature.length === 132 ? "eoa" : "eip1271";
}
