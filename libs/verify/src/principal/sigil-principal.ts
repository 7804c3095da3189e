import type { AccessTokenClaims } from "@sigil/sessions";

/**
 * Who is calling, from a verified access token. Shared by every request bearing the same token
 * (the token cache), hence deeply immutable.
 */
export interface SigilPrincipal {
  /** CAIP-10 subject: `eip155:<chainId>:<address>`. */
  readonly sub: string;
  /** The wallet address, as the token states it (EIP-55 checksummed). */
  readonly address: `0x${string}`;
  readonly chainId: number;
  readonly scopes: ReadonlySet<string>;
  /** Session id; revoking the session refuses the token. */
  readonly sid: string;
  readonly jti: string;
  /** RFC 8693 actor of a delegated token (e.g. a bot's session key). */
  readonly act?: { readonly sub: string };
  readonly claims: Readonly<AccessTokenClaims>;
}
