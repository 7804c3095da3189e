/**
 * Stable codes the SDK raises itself; every other code is the service's own `error` field
 * (`nonce_expired`, `rate_limited`, `siwe_chain_not_allowed`, …), passed through unchanged.
 */
export const ClientErrorCodes = {
  /** The wallet user declined to sign (EIP-1193 error 4001). */
  signatureRejected: "signature_rejected",
  /** The wallet is connected to another chain than the one requested. */
  wrongChain: "wrong_chain",
  /** The wallet exposed no account, or refused to connect (EIP-1193 4100). */
  walletUnavailable: "wallet_unavailable",
  /** Any other wallet failure. */
  walletError: "wallet_error",
  /** The service did not answer, or answered something that is not Sigil JSON. */
  networkError: "network_error",
  /** No session: sign in first (or the session ended and could not be refreshed). */
  notSignedIn: "not_signed_in",
} as const;

/** A code raised by the SDK itself. */
export type ClientErrorCode = (typeof ClientErrorCodes)[keyof typeof ClientErrorCodes];

/** Fields of a {@link SigilClientError}. */
export interface SigilClientErrorInit {
  /** HTTP status of the service's answer; undefined for wallet and network failures. */
  status?: number;
  requestId?: string;
  /** Seconds to wait before retrying (from `Retry-After` on a 429). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** Every failure of the SDK: `code` is stable and safe to switch on; `message` is for people. */
export class SigilClientError extends Error {
  override readonly name = "SigilClientError";
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ClientErrorCode | (string & {}),
    message: string,
    init: SigilClientErrorInit = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.requestId = init.requestId;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** Narrows `error` to a {@link SigilClientError}, optionally with one of `codes`. */
export function isSigilClientError(error: unknown, ...codes: string[]): error is SigilClientError {
  return error instanceof SigilClientError && (codes.length === 0 || codes.includes(error.code));
}
