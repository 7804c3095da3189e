import { type TokenScheme, challengeHeadersOf } from "./challenge-headers.js";
import { VERIFY_ERROR_STATUS } from "./verifier-error-status.js";

/** Sigil's error body: a stable `error` code and a human `message`. */
export interface RefusalBody {
  error: string;
  message: string;
}

/** How to answer a request the verifier refused. */
export interface Refusal {
  status: number;
  /** The challenge (`WWW-Authenticate`) or `Retry-After`. */
  headers: Readonly<Record<string, string>>;
  body: RefusalBody;
}

const DPOP_SCHEME = /^DPoP +/i;
const BEARER_SCHEME = /^Bearer +/i;

/**
 * The answer to a verifier error, for `request` (whose Authorization scheme picks the challenge's);
 * undefined for anything else, which the server's own error handling should treat as a fault.
 */
export function refusalOf(
  error: unknown,
  request?: { headers: { authorization?: string | undefined } },
): Refusal | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !(code in VERIFY_ERROR_STATUS)) return undefined;
  const authorization = request?.headers.authorization ?? "";
  const scheme: TokenScheme = DPOP_SCHEME.test(authorization)
    ? "dpop"
    : BEARER_SCHEME.test(authorization)
      ? "bearer"
      : undefined;
  return {
    status: VERIFY_ERROR_STATUS[code]!,
    headers: challengeHeadersOf(error, scheme),
    body: { error: code, message: (error as Error).message },
  };
}
