import { ClientErrorCodes, SigilClientError } from "../errors/sigil-client-error.js";

/** EIP-1193 provider error codes the SDK tells apart. */
const USER_REJECTED = 4001;
const UNAUTHORIZED = 4100;

/** Maps a wallet's failure to a typed error: a declined signature is `signature_rejected`, not a crash. */
export function toWalletError(cause: unknown): SigilClientError {
  if (cause instanceof SigilClientError) return cause;
  const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
  // viem wraps provider errors; its UserRejectedRequestError keeps code 4001 (also on `cause`).
  const codes = [code, (cause as { cause?: { code?: unknown } })?.cause?.code];
  const detail = typeof message === "string" ? message : String(cause);
  if (codes.includes(USER_REJECTED)) {
    return new SigilClientError(ClientErrorCodes.signatureRejected, "the wallet declined to sign", { cause });
  }
  if (codes.includes(UNAUTHORIZED)) {
    return new SigilClientError(ClientErrorCodes.walletUnavailable, `the wallet gave no account: ${detail}`, {
      cause,
    });
  }
  return new SigilClientError(ClientErrorCodes.walletError, `the wallet failed: ${detail}`, { cause });
}
