import { createSiweMessage } from "viem/siwe";
import type { SigilClient, SignedMessage } from "../browser/create-sigil-client.js";
import { isSigilClientError, type SigilClientError } from "../errors/sigil-client-error.js";

/** SIWE `Resources` entry Sigil reads as one requested scope (see the auth-api's scope-resources). */
const SCOPE_RESOURCE_PREFIX = "urn:sigil:scope:";

/** Options shared by the wallet-kit adapters. */
export interface KitSignInOptions {
  /**
   * The message's domain: must equal Sigil's `SIGIL_SIWE_DOMAIN`. Defaults to the page's
   * `location.host` (what wallets compare it with); required outside a browser.
   */
  domain?: string;
  /** The message's URI: must lie under Sigil's `SIGIL_SIWE_URI`. Defaults to `location.origin`. */
  uri?: string;
  /** Human-readable line shown in the wallet. */
  statement?: string;
  /** Scopes to request; Sigil grants those the wallet's on-chain roles allow. Omit for all. */
  scope?: string[];
  /** Called with Sigil's refusal (stable `code`: `siwe_domain_mismatch`, `signature_mismatch`, …). */
  onRefused?: (error: SigilClientError) => void;
}

/** The steps every kit runs: nonce, message, login with the signature, sign-out. */
export interface KitSignIn {
  /** The domain and URI every message names (options, else the page's). */
  readonly domain: string;
  readonly uri: string;
  getNonce(): Promise<string>;
  /** An EIP-4361 message Sigil accepts; expires with its nonce unless `expirationTime` is earlier. */
  createMessage(parameters: {
    nonce: string;
    address: string;
    chainId: number;
    issuedAt?: Date;
    expirationTime?: Date;
    notBefore?: Date;
    requestId?: string;
  }): string;
  /** Logs in and stores the session; `false` when Sigil refuses (4xx), a rejection otherwise. */
  verify(signed: SignedMessage): Promise<boolean>;
  signOut(): Promise<void>;
}

/** The Sigil side of a wallet kit's SIWE flow, over `client` (tokens land in its storage). */
export function kitSignIn(client: SigilClient, options: KitSignInOptions = {}): KitSignIn {
  const page = (globalThis as { location?: { host?: string; origin?: string } }).location;
  const domain = options.domain ?? page?.host;
  const uri = options.uri ?? page?.origin;
  if (!domain || !uri)
    throw new TypeError("Sigil wallet-kit adapter: pass `domain` and `uri` outside a browser");
  // Nonce → its expiry, so the message expires with the nonce; entries go when used or stale.
  const expiries = new Map<string, Date>();

  return {
    domain,
    uri,
    getNonce: async () => {
      const { nonce, expiresAt } = await client.nonce();
      const now = Date.now();
      for (const [old, at] of expiries) if (at.getTime() <= now) expiries.delete(old);
      expiries.set(nonce, new Date(expiresAt));
      return nonce;
    },
    createMessage: ({ nonce, address, chainId, issuedAt, expirationTime, notBefore, requestId }) => {
      const nonceExpiry = expiries.get(nonce);
      expiries.delete(nonce);
      const expiry =
        expirationTime && nonceExpiry
          ? new Date(Math.min(expirationTime.getTime(), nonceExpiry.getTime()))
          : (expirationTime ?? nonceExpiry);
      return createSiweMessage({
        domain,
        address: address as `0x${string}`,
        statement: options.statement,
        uri,
        version: "1",
        chainId,
        nonce,
        issuedAt: issuedAt ?? new Date(),
        expirationTime: expiry,
        notBefore,
        requestId,
        resources: options.scope?.length
          ? options.scope.map((scope) => `${SCOPE_RESOURCE_PREFIX}${scope}`)
          : undefined,
      });
    },
    verify: async (signed) => {
      try {
        await client.signInWithMessage(signed);
        return true;
      } catch (error) {
        if (!isSigilClientError(error) || error.status === undefined || error.status >= 500) throw error;
        options.onRefused?.(error);
        return false;
      }
    },
    signOut: () => client.signOut(),
  };
}
