import { ConfigInvalidError, InternalError } from "@sigil/core";
import {
  SiweChainNotAllowedError,
  SiweDomainMismatchError,
  SiweExpiredError,
  SiweIssuedAtInFutureError,
  SiweIssuedAtTooOldError,
  SiweMessageInvalidError,
  SiweNonceMismatchError,
  SiweNotYetValidError,
  SiweUriMismatchError,
  type SiweMessageInvalidReason,
} from "../errors/siwe-errors.js";
import { parseDateTime } from "../grammar/parse-date-time.js";
import type { SiweMessage } from "../message/siwe-message.js";

/** Default oldest acceptable Issued At (A5): 5 minutes. */
export const DEFAULT_SIWE_MAX_AGE_MS = 5 * 60_000;
/** Default tolerance between the wallet's clock and ours (A5): 30 seconds. */
export const DEFAULT_SIWE_CLOCK_SKEW_MS = 30_000;

/** What a message must be bound to. Every value comes from configuration, never from a request. */
export interface SiweExpectations {
  /** The configured RFC 3986 authority (`app.example.com`, `localhost:3000`); compared exactly. */
  readonly domain: string;
  /**
   * The configured origin (`https://app.example.com`), or a base URI. The message URI must equal
   * it or lie under it: it continues with `/`, `?` or `#` (or anything, if this ends in `/`) and
   * its path has no `.`/`..` segments. The message's optional scheme must be this URI's scheme.
   */
  readonly uri: string;
  /** Chain ids this deployment serves; the message's must be one of them (A3). */
  readonly chainIds: readonly number[];
  /** The nonce the server issued for this login, when it is known before parsing. */
  readonly nonce?: string;
}

/** Parameters of {@link validateSiweMessage}. */
export interface ValidateSiweMessageParameters {
  /** A message returned by `parseSiweMessage`. */
  readonly message: SiweMessage;
  readonly expected: SiweExpectations;
  /** The current time, injected. */
  readonly now: Date;
  /** Oldest acceptable Issued At, in ms before `now`. Default {@link DEFAULT_SIWE_MAX_AGE_MS}. */
  readonly maxAgeMs?: number;
  /** Clock tolerance applied to Issued At, Expiration Time and Not Before. Default {@link DEFAULT_SIWE_CLOCK_SKEW_MS}. */
  readonly clockSkewMs?: number;
}

/**
 * Checks a parsed message against the configured domain, origin, chains and nonce (A1–A3) and the
 * time rules of A5. Checks run in this order and the first failure throws: domain and scheme, URI,
 * chain, nonce, Expiration Time, Not Before, Issued At. Signature checks are separate.
 *
 * @throws {SiweDomainMismatchError} {@link SiweUriMismatchError} {@link SiweChainNotAllowedError}
 *   {@link SiweNonceMismatchError} {@link SiweExpiredError} {@link SiweNotYetValidError}
 *   {@link SiweIssuedAtTooOldError} {@link SiweIssuedAtInFutureError} as named.
 */
export function validateSiweMessage({
  message,
  expected,
  now,
  maxAgeMs = DEFAULT_SIWE_MAX_AGE_MS,
  clockSkewMs = DEFAULT_SIWE_CLOCK_SKEW_MS,
}: ValidateSiweMessageParameters): void {
  const nowMs = now instanceof Date ? now.getTime() : Number.NaN;
  if (Number.isNaN(nowMs)) throw new InternalError("validateSiweMessage: `now` is not a valid Date");
  if (!(maxAgeMs >= 0))
    throw new ConfigInvalidError("maxAgeMs must be >= 0", { details: { key: "maxAgeMs" } });
  if (!(clockSkewMs >= 0 && clockSkewMs < Number.POSITIVE_INFINITY)) {
    throw new ConfigInvalidError("clockSkewMs must be a finite number >= 0", {
      details: { key: "clockSkewMs" },
    });
  }

  if (message.domain !== expected.domain)
    throw new SiweDomainMismatchError("SIWE domain is not this service's");
  if (message.scheme !== undefined && message.scheme !== schemeOf(expected.uri)) {
    throw new SiweDomainMismatchError("SIWE scheme is not this service's", { details: { part: "scheme" } });
  }
  if (!isUnder(message.uri, expected.uri))
    throw new SiweUriMismatchError("SIWE URI is not under this service's origin");
  if (!expected.chainIds.includes(message.chainId)) {
    throw new SiweChainNotAllowedError(`chain ${message.chainId} is not allowed`, {
      details: { chainId: message.chainId },
    });
  }
  // The nonce is public (it is in the signed text), so a plain comparison leaks nothing.
  if (expected.nonce !== undefined && message.nonce !== expected.nonce) {
    throw new SiweNonceMismatchError("SIWE nonce is not the one issued");
  }

  if (message.expirationTime !== undefined) {
    const expiresAt = timeOf(message.expirationTime, "invalid_expiration_time");
    if (nowMs >= expiresAt + clockSkewMs) throw new SiweExpiredError("SIWE message has expired");
  }
  if (message.notBefore !== undefined) {
    const notBefore = timeOf(message.notBefore, "invalid_not_before");
    if (nowMs + clockSkewMs < notBefore) throw new SiweNotYetValidError("SIWE message is not valid yet");
  }
  const issuedAt = timeOf(message.issuedAt, "invalid_issued_at");
  if (nowMs - issuedAt > maxAgeMs) {
    throw new SiweIssuedAtTooOldError("SIWE message was issued too long ago", { details: { maxAgeMs } });
  }
  if (issuedAt - nowMs > clockSkewMs) {
    throw new SiweIssuedAtInFutureError("SIWE message is issued in the future", { details: { clockSkewMs } });
  }
}

function timeOf(value: string, reason: SiweMessageInvalidReason): number {
  const ms = parseDateTime(value);
  if (ms === undefined) throw new SiweMessageInvalidError({ reason });
  return ms;
}

function schemeOf(uri: string): string {
  const colon = uri.indexOf(":");
  return colon === -1 ? "" : uri.slice(0, colon);
}

/** `uri` is `base`, or continues it at a component boundary without climbing out of its path. */
function isUnder(uri: string, base: string): boolean {
  if (uri === base) return true;
  if (base === "" || !uri.startsWith(base)) return false;
  const rest = uri.slice(base.length);
  if (!base.endsWith("/") && !"/?#".includes(rest[0] as string)) return false;
  const path = rest.split(/[?#]/, 1)[0] as string;
  return path.split("/").every((segment) => {
    const decoded = segment.replace(/%2e/gi, ".");
    return decoded !== "." && decoded !== "..";
  });
}
