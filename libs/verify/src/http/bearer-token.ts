import { InvalidTokenError } from "@sigil/sessions";

/** The request fields the verifier reads. */
export interface BearerRequest {
  url?: string;
  headers: { authorization?: string | undefined };
}

// RFC 6750 §2.3's query parameter, or anything shaped like a JWS (`{"` base64url-encodes to eyJ).
const ACCESS_TOKEN_PARAM = /[?&]access_token=/;
const JWS_IN_URL = /eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\./;
const BEARER_PREFIX = /^Bearer +/i;
const DPOP_PREFIX = /^DPoP +/i;

/**
 * The access token of `Authorization: Bearer <token>` (RFC 6750 §2.1), the only place the guard
 * accepts one. A token in the URL is refused even beside a valid header (B11: URLs get logged).
 * Throws {@link InvalidTokenError}.
 */
export function bearerTokenOf(request: BearerRequest): string {
  const url = request.url;
  if (url !== undefined && hasTokenInUrl(url)) {
    throw new InvalidTokenError(
      "malformed",
      "access tokens are not accepted in URLs; send them in the Authorization header",
    );
  }
  const header = request.headers.authorization;
  if (header === undefined || header === "") throw new InvalidTokenError("missing", "bearer token missing");
  // What well-behaved clients send, checked without a regular expression (every request).
  if (header.startsWith("Bearer ") && header.charCodeAt(7) !== 32) return header.slice(7);
  const prefix = BEARER_PREFIX.exec(header);
  if (!prefix) throw new InvalidTokenError("missing", "authorization scheme must be Bearer or DPoP");
  return header.slice(prefix[0].length);
}

function hasTokenInUrl(url: string): boolean {
  // Cheap substring checks first: this runs on every guarded request.
  return (
    (url.includes("access_token=") && ACCESS_TOKEN_PARAM.test(url)) ||
    (url.includes("eyJ") && JWS_IN_URL.test(url))
  );
}

/** The token of `Authorization: Bearer <token>` or `Authorization: DPoP <token>` (RFC 9449 §7.1). */
export function accessTokenOf(request: BearerRequest): { token: string; scheme: "bearer" | "dpop" } {
  const header = request.headers.authorization;
  // Scheme names are case-insensitive (RFC 7235 §2.1); only headers starting with d/D pay the regex.
  const prefix =
    header !== undefined && (header.charCodeAt(0) | 32) === 100 ? DPOP_PREFIX.exec(header) : null;
  if (prefix) {
    const token = header!.slice(prefix[0].length);
    // The same URL check as for Bearer tokens (B11).
    bearerTokenOf({
      ...(request.url === undefined ? {} : { url: request.url }),
      headers: { authorization: `Bearer ${token}` },
    });
    return { token, scheme: "dpop" };
  }
  return { token: bearerTokenOf(request), scheme: "bearer" };
}
