/** An error as the page sees it: a SigilClientError, or anything else thrown. */
export interface PageError {
  code?: string;
  message?: string;
  status?: number;
  retryAfterSeconds?: number;
}

const MESSAGES: Readonly<Record<string, (error: PageError) => string>> = {
  signature_rejected: () =>
    "You declined the signature in your wallet. Nothing was signed; sign in again when ready.",
  wrong_chain: (e) => `Wrong network: ${e.message ?? "switch your wallet to the chain this service uses"}.`,
  siwe_chain_not_allowed: () => "Wrong network: this service does not accept sign-ins for that chain.",
  chain_not_configured: () => "Wrong network: this service does not accept sign-ins for that chain.",
  nonce_expired: () =>
    "The sign-in request expired before it was signed. Click “Sign in” to get a fresh one.",
  siwe_expired: () => "The sign-in request expired before it was signed. Click “Sign in” to get a fresh one.",
  nonce_used: () => "That sign-in request was already used. Click “Sign in” to get a fresh one.",
  rate_limited: (e) =>
    `Too many sign-in attempts. Try again in ${e.retryAfterSeconds ?? "a few"} second${e.retryAfterSeconds === 1 ? "" : "s"}.`,
  wallet_unavailable: () => "No wallet account available: unlock your wallet and allow this site to connect.",
  signature_invalid: () => "The wallet's signature did not verify. Try again, or use another wallet.",
  signature_mismatch: () =>
    "The signature is not from the address that signed in (check the selected account).",
  network_error: () => "Sigil could not be reached. Is the service running?",
  not_signed_in: () => "Your session ended. Sign in again.",
  invalid_grant: () => "Your session ended (signed out or revoked). Sign in again.",
  rpc_unavailable: () => "The chain cannot be read right now, so roles cannot be checked. Try again shortly.",
};

/** A clear sentence for an error the page shows, by its stable code; unknown codes keep theirs. */
export function describeError(error: unknown): string {
  const e = (error ?? {}) as PageError;
  const known = e.code === undefined ? undefined : MESSAGES[e.code];
  if (known) return known(e);
  return `${e.message ?? String(error)}${e.code ? ` (${e.code})` : ""}`;
}
