// Reown AppKit: `createSIWEConfig(sigilSiweConfig(client, { chains }))`. Types only come from
// @reown/appkit-siwe, so it stays the venue's dependency (viem is needed at run time).
import type { SIWEConfig, SIWESession } from "@reown/appkit-siwe";
import type { SigilClient } from "../browser/create-sigil-client.js";
import { ClientErrorCodes, isSigilClientError } from "../errors/sigil-client-error.js";
import { kitSignIn, type KitSignInOptions } from "./kit-sign-in.js";

/** Options of {@link sigilSiweConfig}. */
export interface SigilSiweConfigOptions extends KitSignInOptions {
  /** Chain ids AppKit offers for sign-in; each must be in Sigil's `SIGIL_CHAINS`. */
  chains?: number[];
}

/** AppKit's `createSIWEConfig` input, minus its behaviour flags (spread your own over it). */
export type SigilSiweConfig = Pick<
  SIWEConfig,
  "getMessageParams" | "createMessage" | "getNonce" | "getSession" | "verifyMessage" | "signOut"
>;

/**
 * What Reown AppKit's `createSIWEConfig` takes, signing in through Sigil: nonce, EIP-4361
 * message, login (session stored in `client`), the session as AppKit reads it, and sign-out.
 * `verifyMessage` resolves `false` when Sigil refuses (the reason goes to `onRefused`).
 */
export function sigilSiweConfig(client: SigilClient, options: SigilSiweConfigOptions = {}): SigilSiweConfig {
  const kit = kitSignIn(client, options);
  return {
    getMessageParams: async () => ({
      domain: kit.domain,
      uri: kit.uri,
      chains: options.chains ?? [],
      ...(options.statement === undefined ? {} : { statement: options.statement }),
    }),
    getNonce: () => kit.getNonce(),
    // AppKit passes the account as a DID (`did:pkh:eip155:1:0x…`); SIWE wants the bare address.
    createMessage: ({ nonce, address, chainId, iat, exp, nbf, requestId }) =>
      kit.createMessage({
        nonce,
        address: address.split(":").pop() ?? address,
        chainId,
        issuedAt: iat === undefined ? undefined : new Date(iat),
        expirationTime: exp === undefined ? undefined : new Date(exp),
        notBefore: nbf === undefined ? undefined : new Date(nbf),
        requestId,
      }),
    verifyMessage: ({ message, signature }) => kit.verify({ message, signature }),
    getSession: async () => {
      const stored = await client.session();
      if (!stored) return null;
      try {
        // Asked of Sigil, not the storage: a session revoked elsewhere reads as signed out.
        const { address, chainId } = await client.me();
        return { address, chainId };
      } catch (error) {
        if (!isSigilClientError(error)) throw error;
        const outage = error.code === ClientErrorCodes.networkError || (error.status ?? 0) >= 500;
        return outage ? sessionOf(stored.sub) : null;
      }
    },
    signOut: async () => {
      await kit.signOut();
      return true;
    },
  };
}

/** `eip155:<chainId>:<address>` → AppKit's session (kept through a Sigil outage, like the client does). */
function sessionOf(sub: string): SIWESession | null {
  const [namespace, chainId, address] = sub.split(":");
  return namespace === "eip155" && chainId && address ? { address, chainId: Number(chainId) } : null;
}

export type { KitSignInOptions } from "./kit-sign-in.js";
