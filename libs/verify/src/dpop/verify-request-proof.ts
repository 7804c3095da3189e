import { InvalidDpopProofError, verifyDpopProof } from "@sigil/sessions";
import type { DpopReplayCache } from "./dpop-replay-cache.js";

/** The request fields a DPoP check reads (an Express request has them). */
export interface DpopRequest {
  method: string;
  originalUrl?: string;
  url?: string;
  protocol?: string;
  headers: { host?: string | undefined; dpop?: string | string[] | undefined };
}

export interface VerifyRequestProofParameters {
  request: DpopRequest;
  accessToken: string;
  /** `cnf.jkt` of the verified token. */
  jkt: string;
  /** This server's public base URL (`htu` = it + the path); else taken from the request's Host. */
  publicUrl: string | undefined;
  replays: DpopReplayCache;
  now: Date;
  maxAgeSeconds: number;
}

/**
 * Checks the `DPoP` proof of a request carrying a DPoP-bound token: one proof, for this method and
 * URL, naming this token (`ath`), signed by its key, never seen before. Throws InvalidDpopProofError.
 */
export async function verifyRequestProof(p: VerifyRequestProofParameters): Promise<void> {
  const header = p.request.headers.dpop;
  if (Array.isArray(header))
    throw new InvalidDpopProofError("malformed", "exactly one DPoP header is allowed");
  const path = (p.request.originalUrl ?? p.request.url ?? "/").split("?")[0]!;
  const base = p.publicUrl ?? `${p.request.protocol ?? "http"}://${p.request.headers.host ?? ""}`;
  await verifyDpopProof({
    proof: header,
    method: p.request.method,
    url: `${base.replace(/\/$/, "")}${path}`,
    now: p.now,
    maxAgeSeconds: p.maxAgeSeconds,
    accessToken: p.accessToken,
    expectedJkt: p.jkt,
    remember: (jti, expiresAt) => p.replays.remember(jti, expiresAt),
  });
}
