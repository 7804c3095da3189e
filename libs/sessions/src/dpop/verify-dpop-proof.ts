import { verify } from "node:crypto";
import { accessTokenHash, DPOP_PROOF_TYPE } from "./create-dpop-proof.js";
import { InvalidDpopProofError } from "./dpop-errors.js";
import {
  DPOP_ALGORITHMS,
  type DpopAlgorithm,
  keyFromJwk,
  publicJwkFor,
  publicJwkThumbprint,
} from "./public-key-jwk.js";

const MAX_PROOF_LENGTH = 2048;
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const JTI_SHAPE = /^[\x21-\x7e]{16,128}$/;

export interface VerifyDpopProofParameters {
  /** The `DPoP` header value (undefined when absent). */
  proof: string | undefined;
  /** The request's method and URL (scheme, host and path; query and fragment are ignored). */
  method: string;
  url: string;
  now: Date;
  /** Accepted age of `iat`, and how far ahead it may be (seconds). */
  maxAgeSeconds?: number;
  maxFutureSeconds?: number;
  /** Present for a resource request: the proof must carry its `ath`. */
  accessToken?: string;
  /** `cnf.jkt` of the token: the proof must be signed by that key. */
  expectedJkt?: string;
  /**
   * Records `jti` until `expiresAt`; returns false when it was seen already (a replay).
   * Called last, only for proofs that are otherwise valid, so garbage cannot fill the cache.
   */
  remember: (jti: string, expiresAt: Date) => boolean | Promise<boolean>;
}

/** What a valid proof proves: possession of the key with this thumbprint. */
export interface VerifiedDpopProof {
  jkt: string;
  jti: string;
  alg: DpopAlgorithm;
}

/**
 * Verifies an RFC 9449 DPoP proof (§4.3): `typ: dpop+jwt`, an asymmetric `alg` (ES256, ES256K,
 * EdDSA) with its public `jwk`, signature, `htm`, `htu`, `iat` window, `ath` and the bound key,
 * then a `jti` never seen before. Throws {@link InvalidDpopProofError}.
 */
export async function verifyDpopProof(p: VerifyDpopProofParameters): Promise<VerifiedDpopProof> {
  const { proof } = p;
  if (proof === undefined || proof === "")
    throw new InvalidDpopProofError("missing", "a DPoP proof is required");
  if (proof.length > MAX_PROOF_LENGTH || !JWS_SHAPE.test(proof)) {
    throw new InvalidDpopProofError("malformed", "the DPoP proof is not a compact JWS");
  }
  const [encodedHeader, encodedPayload, encodedSignature] = proof.split(".") as [string, string, string];
  const header = decodeJson(encodedHeader);
  const payload = decodeJson(encodedPayload);
  if (header.typ !== DPOP_PROOF_TYPE) throw new InvalidDpopProofError("type", "proof typ must be dpop+jwt");
  const alg = header.alg as DpopAlgorithm;
  if (!DPOP_ALGORITHMS.includes(alg))
    throw new InvalidDpopProofError("algorithm", "proof algorithm not accepted");
  let jkt: string;
  let ok: boolean;
  try {
    const jwk = publicJwkFor(alg, header.jwk);
    jkt = publicJwkThumbprint(jwk);
    const input = Buffer.from(`${encodedHeader}.${encodedPayload}`);
    const signature = Buffer.from(encodedSignature, "base64url");
    const key = keyFromJwk(jwk);
    ok =
      alg === "EdDSA"
        ? verify(null, input, key, signature)
        : signature.length === 64 && verify("sha256", input, { key, dsaEncoding: "ieee-p1363" }, signature);
  } catch (cause) {
    throw new InvalidDpopProofError("key", "the proof's jwk is not a usable public key", { cause });
  }
  if (!ok) throw new InvalidDpopProofError("signature", "the DPoP proof signature is invalid");
  if (p.expectedJkt !== undefined && jkt !== p.expectedJkt) {
    throw new InvalidDpopProofError(
      "key_mismatch",
      "the proof is not signed by the key the token is bound to",
    );
  }
  if (typeof payload.htm !== "string" || payload.htm !== p.method.toUpperCase()) {
    throw new InvalidDpopProofError("method", "the proof was made for another HTTP method");
  }
  if (typeof payload.htu !== "string" || normalizeHtu(payload.htu) !== normalizeHtu(p.url)) {
    throw new InvalidDpopProofError("url", "the proof was made for another URL");
  }
  const nowSeconds = Math.floor(p.now.getTime() / 1000);
  const maxAge = p.maxAgeSeconds ?? 60;
  const maxFuture = p.maxFutureSeconds ?? 5;
  const iat = payload.iat;
  if (
    typeof iat !== "number" ||
    !Number.isInteger(iat) ||
    iat < nowSeconds - maxAge ||
    iat > nowSeconds + maxFuture
  ) {
    throw new InvalidDpopProofError("iat", "the proof is too old or from the future");
  }
  if (p.accessToken !== undefined && payload.ath !== accessTokenHash(p.accessToken)) {
    throw new InvalidDpopProofError("ath", "the proof does not name this access token");
  }
  if (typeof payload.jti !== "string" || !JTI_SHAPE.test(payload.jti)) {
    throw new InvalidDpopProofError("malformed", "the proof jti is missing or malformed");
  }
  // Remembered past the whole window the proof could still be accepted in.
  const expiresAt = new Date((iat + maxAge + maxFuture + 1) * 1000);
  if (!(await p.remember(`${jkt}:${payload.jti}`, expiresAt))) {
    throw new InvalidDpopProofError("replayed", "this DPoP proof was already used");
  }
  return { jkt, jti: payload.jti, alg };
}

/** `htu` compares scheme, host and path; query and fragment never count (RFC 9449 §4.3). */
export function normalizeHtu(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "\u0000invalid";
  }
}

function decodeJson(part: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
    return value as Record<string, unknown>;
  } catch (cause) {
    throw new InvalidDpopProofError("malformed", "the DPoP proof is not JSON", { cause });
  }
}
