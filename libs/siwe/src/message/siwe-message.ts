import type { Address } from "viem";

/**
 * The fields of an EIP-4361 message, as written in its text. Timestamps stay strings (RFC 3339) so
 * that a parsed message re-serialises to the exact text that was signed.
 */
export interface SiweMessageFields {
  /** URI scheme written before the domain (`https://example.com wants you…`), if any. */
  readonly scheme?: string;
  /** RFC 3986 authority that asks for the signature. */
  readonly domain: string;
  /** EIP-55 checksummed address of the signer. */
  readonly address: Address;
  /** Human-readable statement, without line breaks; `""` is an explicitly empty statement. */
  readonly statement?: string;
  /** RFC 3986 URI of the resource that is the subject of the signing. */
  readonly uri: string;
  /** Always `"1"`. */
  readonly version: "1";
  /** EIP-155 chain id. */
  readonly chainId: number;
  /** At least 8 ASCII letters or digits. */
  readonly nonce: string;
  /** RFC 3339 date-time. */
  readonly issuedAt: string;
  /** RFC 3339 date-time after which the message must be refused. */
  readonly expirationTime?: string;
  /** RFC 3339 date-time before which the message must be refused. */
  readonly notBefore?: string;
  /** Opaque request id (RFC 3986 `*pchar`), possibly empty. */
  readonly requestId?: string;
  /** RFC 3986 URIs; `[]` means a `Resources:` line with no entries. */
  readonly resources?: readonly string[];
}

/** A message that passed the strict EIP-4361 parser: its fields are syntactically valid. */
export type SiweMessage = SiweMessageFields;
