import { createHash, type JsonWebKey } from "node:crypto";

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an EC public key. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  if (jwk.kty !== "EC" || !jwk.crv || !jwk.x || !jwk.y)
    throw new Error("jwkThumbprint: EC public JWK expected");
  // Required members only, in lexicographic order, no whitespace (RFC 7638 §3.2).
  const canonical = `{"crv":"${jwk.crv}","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;
  return createHash("sha256").update(canonical).digest("base64url");
}
