import { ClientAddressNotAllowedError, InvalidRequestError, StepUpRequiredError } from "@sigil/core";
import { isIP } from "node:net";
import type { Principal } from "../../platform/http/principal.js";

/**
 * C6: creating keys or delegations needs the owner's own token (no `act`) from a wallet sign-in at
 * most `maxAgeSeconds` old; refreshing keeps the sign-in time, so a refresh is not a step-up.
 */
export function assertRecentOwnerLogin(p: { principal: Principal; maxAgeSeconds: number; now: Date }): void {
  const ageMs = p.now.getTime() - p.principal.session.createdAt.getTime();
  if (p.principal.session.actor !== null || ageMs > p.maxAgeSeconds * 1000) {
    throw new StepUpRequiredError(
      `sign in with the wallet again: this needs a sign-in at most ${p.maxAgeSeconds} s old`,
      { details: { maxAge: p.maxAgeSeconds } },
    );
  }
}

/** The request's client address must be listed, when the delegation or key lists any. */
export function assertClientAllowed(p: { allowed: readonly string[]; clientAddress: string | null }): void {
  if (p.allowed.length === 0) return;
  if (p.clientAddress === null || !p.allowed.includes(normalizeClientAddress(p.clientAddress))) {
    throw new ClientAddressNotAllowedError("this client address may not use this delegation or key");
  }
}

/** An `allowedClients` entry: an IP address, normalised as requests will report it. */
export function assertClientAddress(value: string): string {
  const address = normalizeClientAddress(value);
  if (isIP(address) === 0) throw new InvalidRequestError("allowedClients must be IP addresses");
  return address;
}

/** Express reports IPv4 clients of a dual-stack socket as `::ffff:a.b.c.d`. */
export function normalizeClientAddress(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
