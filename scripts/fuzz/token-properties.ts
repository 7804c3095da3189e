// E1 property checks shared by `npm run fuzz` (≥ 10⁵ cases) and `npm test` (a few hundred):
// a mutated or forged access token or DPoP proof never verifies and fails only with its typed error.
import {
  createDpopProof,
  generateSigningKey,
  InvalidDpopProofError,
  InvalidTokenError,
  signAccessToken,
  verifyAccessToken,
  verifyDpopProof,
} from "@sigil/sessions";
import fc from "fast-check";
import { createHmac, generateKeyPairSync } from "node:crypto";

/** How many cases, and a seed to replay a failure. */
export interface FuzzRun {
  numRuns: number;
  seed?: number;
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const NOW = new Date("2026-11-28T12:00:00Z");
const ISSUER = "https://sigil.example";
const AUDIENCE = "urn:sigil:venue";

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const segments = (jws: string) => jws.split(".");

/** One edit of a compact JWS: character-level, segment-level, or a forged header or payload. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("replace"), at: fc.nat(), text: fc.constantFrom(...`${B64URL}.=+/ \n`) }),
  fc.record({ kind: fc.constant("delete"), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("insert"), at: fc.nat(), text: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant("truncate"), at: fc.nat() }),
  fc.record({ kind: fc.constant("segment"), which: fc.integer({ min: 0, max: 2 }), json: fc.jsonValue() }),
  fc.record({
    kind: fc.constant("header"),
    alg: fc.constantFrom("none", "HS256", "ES256", "ES384", "RS256", "EdDSA", "ES256K", "", "es256"),
    typ: fc.constantFrom("at+jwt", "JWT", "dpop+jwt", undefined),
    keepKid: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("claims"),
    patch: fc.record(
      {
        sub: fc.string(),
        scope: fc.constantFrom("admin", "orders:write", ""),
        exp: fc.integer(),
        aud: fc.string(),
        iss: fc.string(),
        htu: fc.webUrl(),
        htm: fc.constantFrom("GET", "POST"),
      },
      { requiredKeys: [] },
    ),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(jws: string, m: Mutation, hmacSecret: string): string {
  const at = "at" in m ? m.at % (jws.length + 1) : 0;
  const [header, payload, signature] = segments(jws) as [string, string, string];
  const decoded = (part: string): Record<string, unknown> => {
    try {
      const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString());
      return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  switch (m.kind) {
    case "replace":
      return jws.slice(0, at) + m.text + jws.slice(at + 1);
    case "delete":
      return jws.slice(0, at) + jws.slice(at + m.length);
    case "insert":
      return jws.slice(0, at) + m.text + jws.slice(at);
    case "truncate":
      return jws.slice(0, at);
    case "segment": {
      const parts = [header, payload, signature];
      parts[m.which] = encode(m.json);
      return parts.join(".");
    }
    case "header": {
      const { kid, jwk } = decoded(header);
      const forged = encode({ alg: m.alg, typ: m.typ, ...(m.keepKid ? { kid, jwk } : {}) });
      // Algorithm confusion: an HMAC keyed with the public key, as a naive verifier would check it.
      const mac = createHmac("sha256", hmacSecret).update(`${forged}.${payload}`).digest("base64url");
      return `${forged}.${payload}.${m.alg === "none" ? "" : m.alg === "HS256" ? mac : signature}`;
    }
    case "claims":
      return `${header}.${encode({ ...decoded(payload), ...m.patch })}.${signature}`;
  }
}

/** Whether two compact JWSs carry the same bytes (base64url has spare bits in its last character). */
function sameBytes(a: string, b: string): boolean {
  const [x, y] = [segments(a), segments(b)];
  return (
    x.length === 3 &&
    y.length === 3 &&
    x.every(
      (part, i) => part === y[i] || Buffer.from(part, "base64url").equals(Buffer.from(y[i]!, "base64url")),
    )
  );
}

const parameters = (run: FuzzRun) => (run.seed === undefined ? { numRuns: run.numRuns } : run);

/** E1: mutations of a valid access token never verify; each refusal is an InvalidTokenError. */
export function checkAccessTokenMutations(run: FuzzRun): void {
  const key = generateSigningKey({ now: NOW });
  const { token } = signAccessToken({
    key,
    claims: {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: "eip155:31337:0x0000000000000000000000000000000000000001",
      scope: "positions:read",
      sid: "00000000-0000-4000-8000-000000000001",
    },
    now: NOW,
    ttlSeconds: 900,
  });
  const verify = (candidate: string) =>
    verifyAccessToken({
      token: candidate,
      resolveKey: (kid) => (kid === key.kid ? key.publicKey : undefined),
      issuer: ISSUER,
      audience: AUDIENCE,
      now: NOW,
    });
  verify(token); // the unmutated token must verify, or the property proves nothing
  const hmacSecret = key.publicKey.export({ format: "pem", type: "spki" }).toString();
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
      const candidate = mutations.reduce((jws, m) => apply(jws, m, hmacSecret), token);
      try {
        verify(candidate);
      } catch (error) {
        if (error instanceof InvalidTokenError) return;
        throw new Error(`untyped failure for ${JSON.stringify(candidate)}`, { cause: error });
      }
      if (!sameBytes(candidate, token)) throw new Error(`a mutated token verified: ${candidate}`);
    }),
    parameters(run),
  );
}

/** E1: mutations of a valid DPoP proof never verify; each refusal is an InvalidDpopProofError. */
export async function checkDpopProofMutations(run: FuzzRun): Promise<void> {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const accessToken = "at.fuzz.token";
  const target = { method: "POST", url: "https://venue.example/orders" };
  const proof = createDpopProof({ privateKey, htm: target.method, htu: target.url, now: NOW, accessToken });
  const verify = (candidate: string, expectedJkt?: string) =>
    verifyDpopProof({
      proof: candidate,
      ...target,
      now: NOW,
      accessToken,
      expectedJkt,
      remember: () => true,
    });
  const { jkt } = await verify(proof);
  const hmacSecret = JSON.stringify(
    JSON.parse(Buffer.from(proof.split(".")[0]!, "base64url").toString()).jwk,
  );
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
      const candidate = mutations.reduce((jws, m) => apply(jws, m, hmacSecret), proof);
      try {
        await verify(candidate, jkt);
      } catch (error) {
        if (error instanceof InvalidDpopProofError) return;
        throw new Error(`untyped failure for ${JSON.stringify(candidate)}`, { cause: error });
      }
      if (!sameBytes(candidate, proof)) throw new Error(`a mutated DPoP proof verified: ${candidate}`);
    }),
    parameters(run),
  );
}
