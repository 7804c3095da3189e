import {
  MAX_SIWE_MESSAGE_BYTES,
  SiweMessageInvalidError,
  SiweMessageTooLargeError,
  type SiweMessageInvalidReason,
} from "../errors/siwe-errors.js";
import {
  CHAIN_ID,
  HEADER_SUFFIX,
  NONCE,
  OUTSIDE_ALPHABET,
  SCHEME_PREFIX,
  STATEMENT,
} from "../grammar/eip4361.js";
import { isAuthority } from "../grammar/is-authority.js";
import { isEip55Address, isHexAddress } from "../grammar/is-eip55-address.js";
import { isUri } from "../grammar/is-uri.js";
import { parseDateTime } from "../grammar/parse-date-time.js";
import { PCHARS } from "../grammar/rfc3986.js";
import type { SiweMessage } from "../message/siwe-message.js";
import { utf8LengthExceeds } from "./utf8-length-exceeds.js";

/**
 * Parses an EIP-4361 (Sign-In with Ethereum) message strictly, following the EIP's ABNF: LF line
 * ends only, fields in order, EIP-55 address, RFC 3986 domain and URIs, real RFC 3339 dates, and
 * nothing after the last field. Chain ids must fit a safe integer and have no leading zeros.
 *
 * @throws {SiweMessageTooLargeError} over {@link MAX_SIWE_MESSAGE_BYTES} UTF-8 bytes (checked first).
 * @throws {SiweMessageInvalidError} anything else; `details.reason` and `details.line` say where.
 */
export function parseSiweMessage(text: string): SiweMessage {
  if (typeof text !== "string") throw invalid("not_a_string");
  if (utf8LengthExceeds(text, MAX_SIWE_MESSAGE_BYTES)) {
    throw new SiweMessageTooLargeError(`SIWE message exceeds ${MAX_SIWE_MESSAGE_BYTES} bytes`, {
      details: { maxBytes: MAX_SIWE_MESSAGE_BYTES },
    });
  }
  const stray = OUTSIDE_ALPHABET.exec(text);
  if (stray !== null) {
    const line = lineOf(text, stray.index);
    throw invalid(stray[0] === "\r" ? "carriage_return" : "invalid_character", line);
  }

  const lines = text.split("\n");
  const header = lines[0] as string;
  if (!header.endsWith(HEADER_SUFFIX)) throw invalid("invalid_header", 1);
  let domain = header.slice(0, header.length - HEADER_SUFFIX.length);
  const schemePrefix = SCHEME_PREFIX.exec(domain);
  const scheme = schemePrefix?.[1];
  if (schemePrefix !== null) domain = domain.slice(schemePrefix[0].length);
  if (domain === "" || !isAuthority(domain)) throw invalid("invalid_domain", 1);

  const address = lines[1];
  if (address === undefined || !isHexAddress(address)) throw invalid("invalid_address", 2);
  if (!isEip55Address(address)) throw invalid("address_not_checksummed", 2);
  if (lines[2] !== "") throw invalid("expected_blank_line", 3);

  // address LF LF [ statement LF ] LF "URI: ": an empty line 4 followed by a non-empty one means
  // no statement; otherwise line 4 is the statement (possibly empty) and line 5 must be empty.
  let statement: string | undefined;
  let index = 4;
  if (lines[3] === undefined) throw invalid("missing_uri", 4);
  if (lines[3] !== "" || lines[4] === "") {
    statement = lines[3];
    if (!STATEMENT.test(statement)) throw invalid("invalid_statement", 4);
    if (lines[4] !== "") throw invalid("expected_blank_line", 5);
    index = 5;
  }

  const uri = valueAfter(lines, index, "URI: ", "missing_uri");
  if (!isUri(uri)) throw invalid("invalid_uri", index + 1);
  index += 1;

  const version = valueAfter(lines, index, "Version: ", "missing_version");
  if (version !== "1") throw invalid("invalid_version", index + 1);
  index += 1;

  const chainIdText = valueAfter(lines, index, "Chain ID: ", "missing_chain_id");
  if (!CHAIN_ID.test(chainIdText)) throw invalid("invalid_chain_id", index + 1);
  const chainId = Number(chainIdText);
  if (!Number.isSafeInteger(chainId)) throw invalid("chain_id_out_of_range", index + 1);
  index += 1;

  const nonce = valueAfter(lines, index, "Nonce: ", "missing_nonce");
  if (!NONCE.test(nonce)) throw invalid("invalid_nonce", index + 1);
  index += 1;

  const issuedAt = valueAfter(lines, index, "Issued At: ", "missing_issued_at");
  if (parseDateTime(issuedAt) === undefined) throw invalid("invalid_issued_at", index + 1);
  index += 1;

  const message: { -readonly [K in keyof SiweMessage]: SiweMessage[K] } = {
    domain,
    address,
    uri,
    version,
    chainId,
    nonce,
    issuedAt,
  };
  if (scheme !== undefined) message.scheme = scheme;
  if (statement !== undefined) message.statement = statement;

  let line = lines[index];
  if (line?.startsWith("Expiration Time: ")) {
    message.expirationTime = line.slice("Expiration Time: ".length);
    if (parseDateTime(message.expirationTime) === undefined)
      throw invalid("invalid_expiration_time", index + 1);
    line = lines[(index += 1)];
  }
  if (line?.startsWith("Not Before: ")) {
    message.notBefore = line.slice("Not Before: ".length);
    if (parseDateTime(message.notBefore) === undefined) throw invalid("invalid_not_before", index + 1);
    line = lines[(index += 1)];
  }
  if (line?.startsWith("Request ID: ")) {
    message.requestId = line.slice("Request ID: ".length);
    if (!PCHARS.test(message.requestId)) throw invalid("invalid_request_id", index + 1);
    line = lines[(index += 1)];
  }
  if (line === "Resources:") {
    const resources: string[] = [];
    line = lines[(index += 1)];
    while (line?.startsWith("- ")) {
      const resource = line.slice(2);
      if (!isUri(resource)) throw invalid("invalid_resource", index + 1);
      resources.push(resource);
      line = lines[(index += 1)];
    }
    message.resources = resources;
  }
  if (index < lines.length) throw invalid("trailing_data", index + 1);
  return message;
}

function valueAfter(
  lines: readonly string[],
  index: number,
  prefix: string,
  missing: SiweMessageInvalidReason,
): string {
  const line = lines[index];
  if (line === undefined || !line.startsWith(prefix)) throw invalid(missing, index + 1);
  return line.slice(prefix.length);
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf("\n"); at !== -1 && at < offset; at = text.indexOf("\n", at + 1)) line += 1;
  return line;
}

function invalid(reason: SiweMessageInvalidReason, line?: number): SiweMessageInvalidError {
  return new SiweMessageInvalidError(line === undefined ? { reason } : { reason, line });
}
