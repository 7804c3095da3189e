// Offline access-token verification as libs/guard does it on a token's first sight (no cache hit):
// verifyAccessToken (shape, header, kid, ES256 signature, iss/aud/exp, claims) on one core.
import { generateSigningKey, signAccessToken, verifyAccessToken } from "@sigil/sessions";

/** Full verifications per second of a typical Sigil access token on one core, for `seconds`. */
export function offlineVerificationsPerSecond(seconds = 2): number {
  const now = new Date();
  const key = generateSigningKey({ now });
  const issuer = "https://sigil.bench";
  const audience = "urn:sigil:venue";
  const { token } = signAccessToken({
    key,
    claims: {
      iss: issuer,
      aud: audience,
      sub: "eip155:31337:0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      scope: "orders:read orders:write positions:read",
      sid: "8c0d4f5e-2f5d-4b8a-9d43-4c7e6f0a9b21",
    },
    now,
    ttlSeconds: 900,
  });
  const resolveKey = (kid: string) => (kid === key.kid ? key.publicKey : undefined);
  const verify = () => verifyAccessToken({ token, resolveKey, issuer, audience, now });
  verify();
  let count = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 50; i += 1) verify();
    count += 50;
  }
  return count / ((performance.now() - started) / 1000);
}
