// RainbowKit: `createAuthenticationAdapter(sigilAuthenticationAdapter(client))`. Nothing is imported
// from @rainbow-me/rainbowkit: its types use extensionless paths that NodeNext cannot resolve.
import type { SigilClient } from "../browser/create-sigil-client.js";
import { kitSignIn, type KitSignInOptions } from "./kit-sign-in.js";

/**
 * RainbowKit's `AuthenticationAdapter<string>`, restated (`createMessage` narrowed to sync); test/client
 * checks it stays assignable to RainbowKit's own type, resolved as a bundler does.
 */
export interface SigilAuthenticationAdapter {
  getNonce: () => Promise<string>;
  createMessage: (args: { nonce: string; address: `0x${string}`; chainId: number }) => string;
  verify: (args: { message: string; signature: string }) => Promise<boolean>;
  signOut: () => Promise<void>;
}

/** Options of {@link sigilAuthenticationAdapter}. */
export type SigilAuthenticationAdapterOptions = KitSignInOptions;

/**
 * What RainbowKit's `createAuthenticationAdapter` takes, signing in through Sigil: the nonce from
 * `GET /v1/auth/nonce`, an EIP-4361 message Sigil verifies, and the session stored in `client`.
 * `verify` resolves `false` when Sigil refuses (the reason goes to `onRefused`).
 */
export function sigilAuthenticationAdapter(
  client: SigilClient,
  options: SigilAuthenticationAdapterOptions = {},
): SigilAuthenticationAdapter {
  const kit = kitSignIn(client, options);
  return {
    getNonce: kit.getNonce,
    createMessage: ({ nonce, address, chainId }) => kit.createMessage({ nonce, address, chainId }),
    verify: ({ message, signature }) => kit.verify({ message, signature }),
    signOut: kit.signOut,
  };
}

export type { KitSignInOptions } from "./kit-sign-in.js";
