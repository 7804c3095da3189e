import {
  MAX_SIWE_MESSAGE_BYTES,
  SiweMessageInvalidError,
  SiweMessageTooLargeError,
  type SiweMessageInvalidReason,
} from "../errors/siwe-errors.js";
import { CHAIN_ID, HEADER_SUFFIX, NONCE, STATEMENT } from "../grammar/eip4361.js";
import { isAuthority } from "../grammar/is-authority.js";
import { isEip55Address, isHexAddress } from "../grammar/is-eip55-address.js";
import { isUri } from "../grammar/is-uri.js";
import { parseDateTime } from "../grammar/parse-date-time.js";
import { PCHARS, SCHEME } from "../grammar/rfc3986.js";
import type { SiweMessageFields } from "../message/siwe-message.js";
import { utf8LengthExceeds } from "../parse/utf8-length-exceeds.js";

/**
 * Writes the canonical EIP-4361 text of `fields`, the exact string a wallet is asked to sign.
 * Every field is checked with the parser's rules first, so the result always parses back to the
 * same fields and no field can smuggle a line break into another.
 *
 * @throws {SiweMessageInvalidError} a field is missing or invalid (`details.reason`, `details.field`).
 * @throws {SiweMessageTooLargeError} the text would exceed {@link MAX_SIWE_MESSAGE_BYTES} bytes.
 */
export function createSiweMessage(fields: SiweMessageFields): string {
  if (typeof fields !== "object" || fields === null) throw invalid("not_an_object");
  const f = fields as unknown as Record<keyof SiweMessageFields, unknown>;

  if (f.scheme !== undefined && !(typeof f.scheme === "string" && SCHEME.test(f.scheme))) {
    throw invalid("invalid_scheme", "scheme");
  }
  if (!(typeof f.domain === "string" && f.domain !== "" && isAuthority(f.domain))) {
    throw invalid("invalid_domain", "domain");
  }
  if (typeof f.address !== "string" || !isHexAddress(f.address)) throw invalid("invalid_address", "address");
  if (!isEip55Address(f.address)) throw invalid("address_not_checksummed", "address");
  if (f.statement !== undefined && !(typeof f.statement === "string" && STATEMENT.test(f.statement))) {
    throw invalid("invalid_statement", "statement");
  }
  if (f.uri === undefined) throw invalid("missing_uri", "uri");
  if (!(typeof f.uri === "string" && isUri(f.uri))) throw invalid("invalid_uri", "uri");
  if (f.version === undefined) throw invalid("missing_version", "version");
  if (f.version !== "1") throw invalid("invalid_version", "version");
  if (f.chainId === undefined) throw invalid("missing_chain_id", "chainId");
  if (typeof f.chainId !== "number" || !CHAIN_ID.test(String(f.chainId))) {
    throw invalid("invalid_chain_id", "chainId");
  }
  if (!Number.isSafeInteger(f.chainId)) throw invalid("chain_id_out_of_range", "chainId");
  if (f.nonce === undefined) throw invalid("missing_nonce", "nonce");
  if (!(typeof f.nonce === "string" && NONCE.test(f.nonce))) throw invalid("invalid_nonce", "nonce");
  if (f.issuedAt === undefined) throw invalid("missing_issued_at", "issuedAt");
  if (!isDateTime(f.issuedAt)) throw invalid("invalid_issued_at", "issuedAt");
  if (f.expirationTime !== undefined && !isDateTime(f.expirationTime)) {
    throw invalid("invalid_expiration_time", "expirationTime");
  }
  if (f.notBefore !== undefined && !isDateTime(f.notBefore)) throw invalid("invalid_not_before", "notBefore");
  if (f.requestId !== undefined && !(typeof f.requestId === "string" && PCHARS.test(f.requestId))) {
    throw invalid("invalid_request_id", "requestId");
  }
  if (f.resources !== undefined) {
    if (!Array.isArray(f.resources)) throw invalid("invalid_resources", "resources");
    for (const resource of f.resources as unknown[]) {
      if (!(typeof resource === "string" && isUri(resource))) throw invalid("invalid_resource", "resources");
    }
  }

  const lines = [
    `${fields.scheme === undefined ? "" : `${fields.scheme}://`}${fields.domain}${HEADER_SUFFIX}`,
    fields.address,
    "",
    ...(fields.statement === undefined ? [] : [fields.statement]),
    "",
    `URI: ${fields.uri}`,
    `Version: ${fields.version}`,
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${fields.issuedAt}`,
  ];
  if (fields.expirationTime !== undefined) lines.push(`Expiration Time: ${fields.expirationTime}`);
  if (fields.notBefore !== undefined) lines.push(`Not Before: ${fields.notBefore}`);
  if (fields.requestId !== undefined) lines.push(`Request ID: ${fields.requestId}`);
  if (fields.resources !== undefined) lines.push("Resources:", ...fields.resources.map((uri) => `- ${uri}`));
  const text = lines.join("\n");
  if (utf8LengthExceeds(text, MAX_SIWE_MESSAGE_BYTES)) {
    throw new SiweMessageTooLargeError(`SIWE message would exceed ${MAX_SIWE_MESSAGE_BYTES} bytes`, {
      details: { maxBytes: MAX_SIWE_MESSAGE_BYTES },
    });
  }
  return text;
}

function isDateTime(value: unknown): boolean {
  return typeof value === "string" && parseDateTime(value) !== undefined;
}

function invalid(reason: SiweMessageInvalidReason, field?: keyof SiweMessageFields): SiweMessageInvalidError {
  return new SiweMessageInvalidError(field === undefined ? { reason } : { reason, field });
}
