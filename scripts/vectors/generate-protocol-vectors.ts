// Writes the verifier conformance vectors of docs/protocol.md into test/vectors/protocol/.
// Run: node --import @swc-node/register/esm-register scripts/vectors/generate-protocol-vectors.ts
// Self-contained (node:crypto only), so the vectors do not come from the verifier they test.
import { createHash, createHmac, createPrivateKey, createPublicKey, type KeyObject, sign } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

type Jwk = { kty: "EC"; crv: "P-256"; x: string; y: string; d: string };
type Json = Record<string, unknown>;

// Test-only keys, published here on purpose: never use them for anything else.
const KEYS = {
  issuer: {
    kid: "vector-key-1",
    jwk: {
      kty: "EC",
      crv: "P-256",
      x: "xcqg0t_s8vpmTcTz6tn96BrNWISki1_tUwvIGb3mzz8",
      y: "Ny7Wy52vE6r7xKfJ2F3U-1pBJil0OMkzk1kCjrg9nOk",
      d: "jwN1_4HHtBvKT103rQ0OJ-bVfJS41US0zcdMFuXnzaU",
    },
  },
  rotated: {
    kid: "vector-key-2",
    jwk: {
      kty: "EC",
      crv: "P-256",
      x: "Q1hBF2tjDovF1kKJFHjZNpBZSXEjrporlcfYabJu1KQ",
      y: "Qgo2WfWc2qtqyppYtgdlb_li6b9SXtBYrYPerPbias8",
      d: "dAnlCVx1ZF8Yw1Y1pWMqCDZVSI8kGLbF0v_4XrhGlpI",
    },
  },
  attacker: {
    kid: "vector-attacker",
    jwk: {
      kty: "EC",
      crv: "P-256",
      x: "lyw9g5-WlepbEJtrfPBSgpoyLwq34s2xuWDifgN3nlM",
      y: "5L3cUNxNfvedFw9Mw5HSy8OSKvJJNcB_nRC0mB6nrek",
      d: "6HPWQMtA-9fGx8-pcP6R2p4l3R67DYyh5MJyUs6NBM0",
    },
  },
  dpop: {
    kid: "vector-dpop-client",
    jwk: {
      kty: "EC",
      crv: "P-256",
      x: "nhjRoJy6vnyPBA7lnkzed1IhFxyo9uyG5r1dl0NHe4g",
      y: "_Kcig6mqWeQXI8bop8bde2SLFFvtxmJMHz-3nhNCVEo",
      d: "nr2eX_swq7EqL1loMX3hwm8SJTqkA3OjPe2sjCprlTM",
    },
  },
  dpopOther: {
    kid: "vector-dpop-other",
    jwk: {
      kty: "EC",
      crv: "P-256",
      x: "G7Lvy432AjWJeknH2PAml_yMOlDLeMjClxxzEyX5HyI",
      y: "keSOegbnr5qjy7DyjjggNhrJRaufhgyd8erqxpA3eko",
      d: "ZI5-pNHnNSsikQ9lBT_j0Kg61SqSMsjOHDJ1R3KckgM",
    },
  },
} satisfies Record<string, { kid: string; jwk: Jwk }>;

const NOW_ISO = "2026-01-15T12:00:00.000Z";
const NOW = Date.parse(NOW_ISO) / 1000;
const CONFIG = {
  now: NOW_ISO,
  issuer: "https://sigil.example",
  audience: "https://venue.example",
  clockToleranceSeconds: 30,
  jwksCooldownMs: 5000,
  revocations: { clientId: "venue-rs", clientSecret: "vector secret: test only", maxRoleSyncAgeMs: 10_000 },
  dpop: { publicUrl: "https://venue.example", maxProofAgeSeconds: 60, maxFutureSeconds: 5 },
};
const TRADER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BOT = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const SID = "sess-vector-1";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const privateKey = (jwk: Jwk): KeyObject => createPrivateKey({ key: jwk, format: "jwk" });
const publicJwk = ({ kty, crv, x, y }: Jwk) => ({ kty, crv, x, y });
const es256 = (jwk: Jwk, input: string) =>
  sign("sha256", Buffer.from(input), { key: privateKey(jwk), dsaEncoding: "ieee-p1363" }).toString(
    "base64url",
  );
const thumbprint = ({ crv, kty, x, y }: Jwk) =>
  createHash("sha256").update(JSON.stringify({ crv, kty, x, y })).digest("base64url");
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

const jwksOf = (...keys: { kid: string; jwk: Jwk }[]) => ({
  keys: keys.map(({ kid, jwk }) => ({ ...publicJwk(jwk), kid, alg: "ES256", use: "sig" })),
});
const JWKS = jwksOf(KEYS.issuer);

function claims(overrides: Json = {}): Json {
  const iat = NOW - 60;
  return {
    iss: CONFIG.issuer,
    aud: CONFIG.audience,
    sub: `eip155:1:${TRADER}`,
    scope: "orders:write positions:read",
    sid: SID,
    jti: "tok-vector-1",
    iat,
    nbf: iat,
    exp: iat + 900,
    ...overrides,
  };
}

function token(p: { claims?: Json; header?: Json; key?: { kid: string; jwk: Jwk } } = {}): string {
  const key = p.key ?? KEYS.issuer;
  const input = `${b64({ alg: "ES256", typ: "at+jwt", kid: key.kid, ...p.header })}.${b64(claims(p.claims))}`;
  return `${input}.${es256(key.jwk, input)}`;
}

// A delegated bot token as the auth-api issues it: `sub` the owner, `act.sub` the key's thumbprint.
const BOUND = {
  cnf: { jkt: thumbprint(KEYS.dpop.jwk) },
  act: { sub: `jkt:${thumbprint(KEYS.dpop.jwk)}` },
};
const BOUND_TOKEN = token({
  claims: { ...BOUND, scope: "orders:write", sid: "sess-bot-1", jti: "tok-bot-1" },
});

function proof(p: { payload?: Json; header?: Json; key?: Jwk; accessToken?: string } = {}): string {
  const key = p.key ?? KEYS.dpop.jwk;
  const header = { typ: "dpop+jwt", alg: "ES256", jwk: publicJwk(key), ...p.header };
  const payload = {
    jti: "proof-vector-0001",
    htm: "GET",
    htu: "https://venue.example/v1/orders",
    iat: NOW,
    ath: createHash("sha256")
      .update(p.accessToken ?? BOUND_TOKEN)
      .digest("base64url"),
    ...p.payload,
  };
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${es256(key, input)}`;
}

// ---- expected verdicts -------------------------------------------------------------------------

const accept = (principal: Json) => ({ verdict: "accept", principal });
const principal = (overrides: Json = {}) => ({
  sub: `eip155:1:${TRADER}`,
  address: TRADER,
  chainId: 1,
  scopes: ["orders:write", "positions:read"],
  sid: SID,
  jti: "tok-vector-1",
  ...overrides,
});
const DPOP_ALGS = 'algs="ES256 ES256K EdDSA"';
/** Refused as `invalid_token`, challenged in the scheme the request used (RFC 9449 §7.1). */
const invalidToken = (reason: string, scheme: "Bearer" | "DPoP" = "Bearer") => ({
  verdict: "refuse",
  status: 401,
  error: "invalid_token",
  reason,
  headers: {
    "www-authenticate":
      scheme === "DPoP" ? `DPoP error="invalid_token", ${DPOP_ALGS}` : 'Bearer error="invalid_token"',
  },
});
/** No credentials in a scheme the verifier accepts: a challenge without `error` (RFC 6750 §3.1). */
const noCredentials = () => ({
  verdict: "refuse",
  status: 401,
  error: "invalid_token",
  reason: "missing",
  headers: { "www-authenticate": `Bearer, DPoP ${DPOP_ALGS}` },
});
const invalidProof = (reason: string) => ({
  verdict: "refuse",
  status: 401,
  error: "invalid_dpop_proof",
  reason,
  headers: { "www-authenticate": 'DPoP error="invalid_dpop_proof", algs="ES256 ES256K EdDSA"' },
});
const insufficientScope = (required: string[]) => ({
  verdict: "refuse",
  status: 403,
  error: "insufficient_scope",
  headers: { "www-authenticate": `Bearer error="insufficient_scope", scope="${required.join(" ")}"` },
});
const unavailable = (error: string) => ({
  verdict: "refuse",
  status: 503,
  error,
  headers: { "retry-after": "1" },
});

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const get = (headers: Json, requiredScopes: string[] = ["positions:read"], path = "/v1/orders") => ({
  method: "GET",
  path,
  headers,
  requiredScopes,
});

// ---- feed pages --------------------------------------------------------------------------------

const entry = (sid: string, revokedAt: number, scope?: string) => ({
  sid,
  revokedAt: iso(revokedAt),
  expiresAt: iso(NOW + 600),
  ...(scope === undefined ? {} : { scope }),
});
const feedOf = (revocations: Json[], extra: Json = {}) => ({
  pages: [{ query: {}, status: 200, body: { revocations, cursor: "c1", more: false, ...extra } }],
});
const roleSync = (...chains: [number, number | null][]) =>
  feedOf([], { roleSync: chains.map(([chainId, ageMs]) => ({ chainId, ageMs })) });

// ---- cases -------------------------------------------------------------------------------------

interface Case {
  id: string;
  description: string;
  /** JWKS answers in order (the last repeats); absent: the `jwks.json` document. */
  jwks?: { status: number; body?: unknown }[];
  /** Feed pages in order; null: no feed configured. Absent: one empty page. */
  feed?: { pages: { query: Json; status: number; body?: unknown }[]; longPollMs?: number } | null;
  requests: (ReturnType<typeof get> & { method: string; expect: Json; jwksFetches?: number })[];
}

const withExpect = (request: ReturnType<typeof get>, expect: Json, extra: Json = {}) => ({
  ...request,
  ...extra,
  expect,
});
const one = (id: string, description: string, request: ReturnType<typeof get>, expect: Json): Case => ({
  id,
  description,
  requests: [withExpect(request, expect)],
});

const hs256 = (() => {
  const input = `${b64({ alg: "HS256", typ: "at+jwt", kid: KEYS.issuer.kid })}.${b64(claims())}`;
  const secret = createPublicKey(privateKey(KEYS.issuer.jwk)).export({ type: "spki", format: "pem" });
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
})();
const validToken = token();
const [validHeader, , validSignature] = validToken.split(".");

const tokens: Case[] = [
  one(
    "token-valid",
    "A valid token on a route requiring one of its scopes.",
    get(bearer(validToken)),
    accept(principal()),
  ),
  one(
    "token-valid-no-scope-route",
    "A valid token on a route requiring no scope.",
    get(bearer(validToken), []),
    accept(principal()),
  ),
  one(
    "token-scheme-case-insensitive",
    "The Bearer scheme name is case-insensitive (RFC 7235 §2.1).",
    get({ authorization: `bearer ${validToken}` }),
    accept(principal()),
  ),
  one(
    "token-delegated-act",
    "A delegated token: `act.sub` names the actor; the principal carries it.",
    get(bearer(token({ claims: { act: { sub: `eip155:1:${BOT}` } } }))),
    accept(principal({ act: { sub: `eip155:1:${BOT}` } })),
  ),
  one(
    "token-aud-array",
    "`aud` as an array that contains this audience is accepted (RFC 7519 §4.1.3).",
    get(bearer(token({ claims: { aud: ["https://other.example", CONFIG.audience] } }))),
    accept(principal()),
  ),
  one(
    "token-expired",
    "`exp` + clock tolerance ≤ now: expired (exp = now − 30 s, tolerance 30 s).",
    get(bearer(token({ claims: { iat: NOW - 930, nbf: NOW - 930, exp: NOW - 30 } }))),
    invalidToken("expired"),
  ),
  one(
    "token-expired-within-tolerance",
    "`exp` = now − 29 s is still inside the 30 s tolerance: accepted.",
    get(bearer(token({ claims: { iat: NOW - 929, nbf: NOW - 929, exp: NOW - 29 } }))),
    accept(principal()),
  ),
  one(
    "token-not-yet-valid",
    "`nbf` > now + tolerance: not yet valid (nbf = now + 31 s).",
    get(bearer(token({ claims: { iat: NOW + 31, nbf: NOW + 31, exp: NOW + 931 } }))),
    invalidToken("not_yet_valid"),
  ),
  one(
    "token-nbf-within-tolerance",
    "`nbf` = now + 30 s is inside the tolerance: accepted.",
    get(bearer(token({ claims: { iat: NOW + 30, nbf: NOW + 30, exp: NOW + 930 } }))),
    accept(principal()),
  ),
  one(
    "token-wrong-issuer",
    "`iss` is not the configured issuer.",
    get(bearer(token({ claims: { iss: "https://evil.example" } }))),
    invalidToken("issuer"),
  ),
  one(
    "token-wrong-audience",
    "`aud` names another resource server.",
    get(bearer(token({ claims: { aud: "https://other.example" } }))),
    invalidToken("audience"),
  ),
  one(
    "token-alg-none",
    "`alg: none` with an empty signature: not a compact JWS Sigil accepts.",
    get(bearer(`${b64({ alg: "none", typ: "at+jwt", kid: KEYS.issuer.kid })}.${b64(claims())}.`)),
    invalidToken("malformed"),
  ),
  one(
    "token-alg-none-with-signature",
    "`alg: none` with a non-empty signature part: the algorithm is refused.",
    get(
      bearer(
        `${b64({ alg: "none", typ: "at+jwt", kid: KEYS.issuer.kid })}.${b64(claims())}.${validSignature}`,
      ),
    ),
    invalidToken("algorithm"),
  ),
  one(
    "token-alg-hs256-public-key",
    "HS256 keyed with the issuer's public key (PEM): the algorithm is refused.",
    get(bearer(hs256)),
    invalidToken("algorithm"),
  ),
  one(
    "token-alg-es384",
    "Any algorithm other than ES256 is refused, before the signature is read.",
    get(bearer(token({ header: { alg: "ES384" } }))),
    invalidToken("algorithm"),
  ),
  one(
    "token-typ-jwt",
    "`typ` must be `at+jwt` (RFC 9068 §2.1); `JWT` is refused.",
    get(bearer(token({ header: { typ: "JWT" } }))),
    invalidToken("type"),
  ),
  one(
    "token-wrong-key",
    "Signed by a key the JWKS does not hold, under the published `kid`.",
    get(bearer(token({ key: { kid: KEYS.issuer.kid, jwk: KEYS.attacker.jwk } }))),
    invalidToken("signature"),
  ),
  one(
    "token-tampered-payload",
    "The payload of a valid token swapped for one with more scopes; the signature is the original.",
    get(
      bearer(
        `${validHeader}.${b64(claims({ scope: "orders:write positions:read admin:write" }))}.${validSignature}`,
      ),
    ),
    invalidToken("signature"),
  ),
  one(
    "token-jku-ignored",
    "`jku`/`jwk` headers are ignored: the key still comes from the configured JWKS by `kid` (the attacker signs).",
    get(
      bearer(
        token({
          key: { kid: KEYS.issuer.kid, jwk: KEYS.attacker.jwk },
          header: { jku: "https://evil.example/jwks.json", jwk: publicJwk(KEYS.attacker.jwk) },
        }),
      ),
    ),
    invalidToken("signature"),
  ),
  {
    id: "token-kid-missing",
    description: "No `kid`: refused without a JWKS refetch.",
    requests: [
      withExpect(get(bearer(token({ header: { kid: undefined } }))), invalidToken("key_unknown"), {
        jwksFetches: 1,
      }),
    ],
  },
  {
    id: "token-kid-malformed",
    description: "A `kid` outside [A-Za-z0-9_-]{1,128}: refused without a JWKS refetch.",
    requests: [
      withExpect(get(bearer(token({ header: { kid: "../../etc/passwd" } }))), invalidToken("key_unknown"), {
        jwksFetches: 1,
      }),
    ],
  },
  one(
    "token-sub-not-caip10",
    "`sub` must be an eip155 CAIP-10 account.",
    get(bearer(token({ claims: { sub: TRADER } }))),
    invalidToken("claims"),
  ),
  one(
    "token-sid-missing",
    "`sid` is required.",
    get(bearer(token({ claims: { sid: undefined } }))),
    invalidToken("claims"),
  ),
  one(
    "token-scope-chains-malformed",
    "A malformed `scope_chains` claim is refused, never read as absent.",
    get(bearer(token({ claims: { scope_chains: { "orders:write": ["8453"] } } }))),
    invalidToken("claims"),
  ),
  one("token-missing", "No Authorization header.", get({}), noCredentials()),
  one(
    "token-basic-scheme",
    "A scheme other than Bearer or DPoP.",
    get({ authorization: "Basic dmVudWU6c2VjcmV0" }),
    noCredentials(),
  ),
  one(
    "token-in-url",
    "A token in the URL is refused even beside a valid header (RFC 6750 §2.3 is not supported).",
    get(bearer(validToken), ["positions:read"], `/v1/orders?access_token=${validToken}`),
    invalidToken("malformed"),
  ),
  one(
    "scope-insufficient",
    "A valid token lacking a scope the route requires: 403, the challenge lists every required scope.",
    get(bearer(validToken), ["positions:read", "admin:write"]),
    insufficientScope(["positions:read", "admin:write"]),
  ),
  one(
    "scope-empty",
    "A token with an empty `scope` is valid but grants nothing.",
    get(bearer(token({ claims: { scope: "" } })), ["positions:read"]),
    insufficientScope(["positions:read"]),
  ),
];

const rotatedToken = token({ key: KEYS.rotated, claims: { jti: "tok-rotated-1" } });
const jwks: Case[] = [
  {
    id: "jwks-unknown-kid-refetch-accept",
    description: "A `kid` not in the cached JWKS causes one refetch; the new document holds it: accepted.",
    jwks: [
      { status: 200, body: JWKS },
      { status: 200, body: jwksOf(KEYS.issuer, KEYS.rotated) },
    ],
    requests: [
      withExpect(get(bearer(rotatedToken)), accept(principal({ jti: "tok-rotated-1" })), { jwksFetches: 2 }),
    ],
  },
  {
    id: "jwks-unknown-kid-refetch-refuse",
    description:
      "A `kid` still unknown after the refetch is refused; a second unknown `kid` within the cooldown causes no fetch.",
    requests: [
      withExpect(get(bearer(rotatedToken)), invalidToken("key_unknown"), { jwksFetches: 2 }),
      withExpect(
        get(bearer(token({ key: { kid: "vector-key-3", jwk: KEYS.rotated.jwk } }))),
        invalidToken("key_unknown"),
        {
          jwksFetches: 2,
        },
      ),
    ],
  },
  {
    id: "jwks-unavailable",
    description: "The JWKS never answered: fail closed with 503 `jwks_unavailable`, not 401.",
    jwks: [{ status: 503 }],
    requests: [withExpect(get(bearer(validToken)), unavailable("jwks_unavailable"), { jwksFetches: 2 })],
  },
  {
    id: "jwks-foreign-keys-skipped",
    description: "Keys that are not EC P-256 signing keys for ES256 are skipped; the others still verify.",
    jwks: [
      {
        status: 200,
        body: {
          keys: [
            { ...publicJwk(KEYS.attacker.jwk), kid: "enc-key", use: "enc" },
            { kty: "RSA", kid: "rsa-key", n: "AQAB", e: "AQAB" },
            ...JWKS.keys,
          ],
        },
      },
    ],
    requests: [withExpect(get(bearer(validToken)), accept(principal()))],
  },
];

const NARROWED_AT = NOW - 30;
const revocations: Case[] = [
  {
    id: "feed-revoked-session",
    description: "The feed lists the token's session without `scope`: the session is revoked.",
    feed: feedOf([entry(SID, NOW - 30)]),
    requests: [withExpect(get(bearer(validToken)), invalidToken("revoked"))],
  },
  {
    id: "feed-other-session-revoked",
    description: "Another session's revocation does not affect this token.",
    feed: feedOf([entry("sess-other", NOW - 30)]),
    requests: [withExpect(get(bearer(validToken)), accept(principal()))],
  },
  {
    id: "feed-revoked-on-second-page",
    description:
      "Pages are followed with `after=<cursor>` until `more: false` (or an empty page); the revocation is on page 2.",
    feed: {
      pages: [
        {
          query: {},
          status: 200,
          body: { revocations: [entry("sess-other", NOW - 40)], cursor: "c1", more: true },
        },
        {
          query: { after: "c1" },
          status: 200,
          body: { revocations: [entry(SID, NOW - 30)], cursor: "c2", more: false },
        },
      ],
    },
    requests: [withExpect(get(bearer(validToken)), invalidToken("revoked"))],
  },
  {
    id: "feed-long-poll",
    description:
      "With long polls (`longPollMs`), requests after the first carry `wait`; the issuer holds an empty answer up to that long.",
    feed: {
      longPollMs: 2000,
      pages: [
        {
          query: {},
          status: 200,
          body: { revocations: [entry("sess-other", NOW - 40)], cursor: "c1", more: true },
        },
        {
          query: { after: "c1", wait: "2000" },
          status: 200,
          body: { revocations: [entry(SID, NOW - 30)], cursor: "c2", more: false },
        },
      ],
    },
    requests: [withExpect(get(bearer(validToken)), invalidToken("revoked"))],
  },
  {
    id: "feed-narrowed-session",
    description:
      "A narrowing entry (with `scope`) written after the token was issued: the token keeps only the listed scopes.",
    feed: feedOf([entry(SID, NARROWED_AT, "positions:read")]),
    requests: [
      withExpect(get(bearer(validToken), ["orders:write"]), insufficientScope(["orders:write"])),
      withExpect(
        get(bearer(validToken), ["positions:read"]),
        accept(principal({ scopes: ["positions:read"] })),
      ),
      withExpect(get(bearer(validToken), []), accept(principal({ scopes: ["positions:read"] }))),
    ],
  },
  {
    id: "feed-narrowing-before-issue",
    description:
      "A token issued after the narrowing (iat > revokedAt) already reflects it: not narrowed again.",
    feed: feedOf([entry(SID, NARROWED_AT, "positions:read")]),
    requests: [
      withExpect(
        get(bearer(token({ claims: { iat: NOW - 10, nbf: NOW - 10, exp: NOW + 890 } })), ["orders:write"]),
        accept(principal()),
      ),
    ],
  },
  {
    id: "feed-narrowing-same-second",
    description: "iat × 1000 ≤ revokedAt (ms): a token issued in the narrowing's second is narrowed.",
    feed: feedOf([{ ...entry(SID, 0, "positions:read"), revokedAt: "2026-01-15T11:59:00.500Z" }]),
    requests: [withExpect(get(bearer(validToken), ["orders:write"]), insufficientScope(["orders:write"]))],
  },
  {
    id: "feed-narrowing-at-issue-instant",
    description:
      "revokedAt equal to iat × 1000 (ms): the token is narrowed (issued at or before the narrowing).",
    feed: feedOf([entry(SID, NOW - 60, "positions:read")]),
    requests: [withExpect(get(bearer(validToken), ["orders:write"]), insufficientScope(["orders:write"]))],
  },
  {
    id: "feed-narrowing-just-before-issue",
    description:
      "revokedAt 1 ms before iat × 1000: the token was issued after the narrowing and keeps its scopes.",
    feed: feedOf([{ ...entry(SID, 0, "positions:read"), revokedAt: "2026-01-15T11:58:59.999Z" }]),
    requests: [withExpect(get(bearer(validToken), ["orders:write"]), accept(principal()))],
  },
  {
    id: "feed-narrowings-intersect",
    description: "Several narrowings of one session apply together: the token keeps the intersection.",
    feed: feedOf([
      entry(SID, NOW - 40, "orders:write positions:read orders:read"),
      entry(SID, NOW - 30, "positions:read orders:read"),
    ]),
    requests: [
      withExpect(get(bearer(validToken), ["orders:write"]), insufficientScope(["orders:write"])),
      withExpect(get(bearer(validToken), []), accept(principal({ scopes: ["positions:read"] }))),
    ],
  },
  {
    id: "feed-empty-narrowing",
    description: "A narrowing to no scope at all: the token stays valid and grants nothing.",
    feed: feedOf([entry(SID, NARROWED_AT, "")]),
    requests: [
      withExpect(get(bearer(validToken), ["positions:read"]), insufficientScope(["positions:read"])),
      withExpect(get(bearer(validToken), []), accept(principal({ scopes: [] }))),
    ],
  },
  {
    id: "feed-unreachable",
    description:
      "The feed answers 503: every token is refused with 503 `revocation_feed_stale` (fail closed).",
    feed: { pages: [{ query: {}, status: 503 }] },
    requests: [withExpect(get(bearer(validToken), []), unavailable("revocation_feed_stale"))],
  },
  {
    id: "feed-malformed",
    description:
      "A feed page that is not the documented shape counts as no answer: 503 `revocation_feed_stale`.",
    feed: { pages: [{ query: {}, status: 200, body: { revocations: [{ sid: SID }], cursor: "c1" } }] },
    requests: [withExpect(get(bearer(validToken), []), unavailable("revocation_feed_stale"))],
  },
  {
    id: "feed-not-configured",
    description:
      "Without a feed nothing is revoked or stale: tokens live until `exp` (a deployment choice, warned at boot).",
    feed: null,
    requests: [withExpect(get(bearer(validToken)), accept(principal()))],
  },
];

const CHAINED = token({ claims: { scope_chains: { "orders:write": [8453] } } });
const roleSyncCases: Case[] = [
  {
    id: "role-sync-fresh",
    description: "The sign-in chain's roles were confirmed 5 s ago (limit 10 s): scoped routes answer.",
    feed: roleSync([1, 5000]),
    requests: [withExpect(get(bearer(validToken)), accept(principal()))],
  },
  {
    id: "role-sync-stale-sign-in-chain",
    description:
      "The sign-in chain's roles are 60 s old: routes that require a scope answer 503; others still answer.",
    feed: roleSync([1, 60_000]),
    requests: [
      withExpect(get(bearer(validToken), ["positions:read"]), unavailable("role_sync_stale")),
      withExpect(get(bearer(validToken), []), accept(principal())),
    ],
  },
  {
    id: "role-sync-never-confirmed",
    description: "`ageMs: null` (never confirmed) is stale.",
    feed: roleSync([1, null]),
    requests: [withExpect(get(bearer(validToken)), unavailable("role_sync_stale"))],
  },
  {
    id: "role-sync-sign-in-chain-not-reported",
    description:
      "An issuer that reports nothing for the sign-in chain does not follow its roles: no age check.",
    feed: roleSync([8453, 60_000]),
    requests: [withExpect(get(bearer(validToken)), accept(principal()))],
  },
  {
    id: "role-sync-scope-chain-stale",
    description:
      "`scope_chains` ties orders:write to chain 8453, whose roles are 60 s old: orders:write answers 503, positions:read still answers.",
    feed: roleSync([1, 100], [8453, 60_000]),
    requests: [
      withExpect(get(bearer(CHAINED), ["orders:write"]), unavailable("role_sync_stale")),
      withExpect(get(bearer(CHAINED), ["positions:read"]), accept(principal())),
    ],
  },
  {
    id: "role-sync-scope-chain-unreported",
    description: "A chain `scope_chains` lists that the feed never reports fails closed for that scope.",
    feed: roleSync([1, 100]),
    requests: [
      withExpect(get(bearer(CHAINED), ["orders:write"]), unavailable("role_sync_stale")),
      withExpect(get(bearer(CHAINED), ["positions:read"]), accept(principal())),
    ],
  },
  {
    id: "role-sync-scope-chain-fresh",
    description: "Every chain behind the required scope is fresh: accepted.",
    feed: roleSync([1, 100], [8453, 2000]),
    requests: [withExpect(get(bearer(CHAINED), ["orders:write"]), accept(principal()))],
  },
];

const BOT_PRINCIPAL = principal({
  scopes: ["orders:write"],
  sid: "sess-bot-1",
  jti: "tok-bot-1",
  act: BOUND.act,
});
const dpopGet = (dpop: string | string[] | undefined, path = "/v1/orders", method = "GET") => ({
  method,
  path,
  headers: { authorization: `DPoP ${BOUND_TOKEN}`, ...(dpop === undefined ? {} : { dpop }) },
  requiredScopes: ["orders:write"],
});
const dpopCase = (
  id: string,
  description: string,
  request: ReturnType<typeof dpopGet>,
  expect: Json,
): Case => ({
  id,
  description,
  requests: [withExpect(request, expect)],
});
const unboundToken = token({ claims: { scope: "orders:write" } });
const dpop: Case[] = [
  dpopCase("dpop-valid", "A bound token with a valid proof.", dpopGet(proof()), accept(BOT_PRINCIPAL)),
  dpopCase(
    "dpop-htu-normalised",
    "`htu` compares scheme, host (case-insensitive, default port dropped) and path; query and fragment never count.",
    dpopGet(
      proof({ payload: { htu: "https://VENUE.example:443/v1/orders?page=2#top" } }),
      "/v1/orders?page=3",
    ),
    accept(BOT_PRINCIPAL),
  ),
  dpopCase(
    "dpop-scheme-case-insensitive",
    "The DPoP scheme name is case-insensitive, like Bearer (RFC 7235 §2.1).",
    { ...dpopGet(proof()), headers: { authorization: `dpop ${BOUND_TOKEN}`, dpop: proof() } },
    accept(BOT_PRINCIPAL),
  ),
  dpopCase(
    "dpop-post",
    "A proof for POST on a POST request.",
    dpopGet(proof({ payload: { htm: "POST" } }), "/v1/orders", "POST"),
    accept(BOT_PRINCIPAL),
  ),
  dpopCase(
    "dpop-wrong-htm",
    "A proof for POST on a GET request.",
    dpopGet(proof({ payload: { htm: "POST" } })),
    invalidProof("method"),
  ),
  dpopCase(
    "dpop-htm-lowercase",
    "`htm` is compared exactly with the upper-case method: `get` is refused.",
    dpopGet(proof({ payload: { htm: "get" } })),
    invalidProof("method"),
  ),
  dpopCase(
    "dpop-wrong-htu-path",
    "A proof for another path.",
    dpopGet(proof({ payload: { htu: "https://venue.example/v1/positions" } })),
    invalidProof("url"),
  ),
  dpopCase(
    "dpop-wrong-htu-scheme",
    "A proof for http:// on an https:// server.",
    dpopGet(proof({ payload: { htu: "http://venue.example/v1/orders" } })),
    invalidProof("url"),
  ),
  {
    id: "dpop-replayed-jti",
    description:
      "The same proof twice: the second is a replay (jti remembered per key until the iat window ends).",
    requests: [
      withExpect(dpopGet(proof()), accept(BOT_PRINCIPAL)),
      withExpect(dpopGet(proof()), invalidProof("replayed")),
    ],
  },
  dpopCase(
    "dpop-iat-oldest",
    "iat = now − 60 s (the limit): accepted.",
    dpopGet(proof({ payload: { iat: NOW - 60 } })),
    accept(BOT_PRINCIPAL),
  ),
  dpopCase(
    "dpop-iat-stale",
    "iat = now − 61 s: too old.",
    dpopGet(proof({ payload: { iat: NOW - 61 } })),
    invalidProof("iat"),
  ),
  dpopCase(
    "dpop-iat-future-limit",
    "iat = now + 5 s: accepted.",
    dpopGet(proof({ payload: { iat: NOW + 5 } })),
    accept(BOT_PRINCIPAL),
  ),
  dpopCase(
    "dpop-iat-future",
    "iat = now + 6 s: from the future.",
    dpopGet(proof({ payload: { iat: NOW + 6 } })),
    invalidProof("iat"),
  ),
  dpopCase(
    "dpop-wrong-ath",
    "`ath` hashes another access token.",
    dpopGet(proof({ accessToken: validToken })),
    invalidProof("ath"),
  ),
  dpopCase(
    "dpop-missing-ath",
    "A resource request's proof must carry `ath`.",
    dpopGet(proof({ payload: { ath: undefined } })),
    invalidProof("ath"),
  ),
  dpopCase(
    "dpop-other-key",
    "A well-formed proof signed by a key other than the token's `cnf.jkt`.",
    dpopGet(proof({ key: KEYS.dpopOther.jwk })),
    invalidProof("key_mismatch"),
  ),
  dpopCase(
    "dpop-bad-signature",
    "A proof whose payload was altered after signing.",
    dpopGet(
      (() => {
        const [h, , s] = proof().split(".");
        return `${h}.${b64({ jti: "proof-vector-0002", htm: "GET", htu: "https://venue.example/v1/orders", iat: NOW })}.${s}`;
      })(),
    ),
    invalidProof("signature"),
  ),
  dpopCase(
    "dpop-typ-jwt",
    "A proof `typ` other than `dpop+jwt`.",
    dpopGet(proof({ header: { typ: "JWT" } })),
    invalidProof("type"),
  ),
  dpopCase(
    "dpop-short-jti",
    "`jti` must be 16..128 printable ASCII characters.",
    dpopGet(proof({ payload: { jti: "short" } })),
    invalidProof("malformed"),
  ),
  dpopCase(
    "dpop-missing-proof",
    "A bound token under the DPoP scheme without a DPoP header.",
    dpopGet(undefined),
    invalidProof("missing"),
  ),
  dpopCase(
    "dpop-two-proofs",
    "Two DPoP headers.",
    dpopGet([proof(), proof({ payload: { jti: "proof-vector-0003" } })]),
    invalidProof("malformed"),
  ),
  {
    id: "dpop-bearer-downgrade",
    description: "A bound token sent with the Bearer scheme is refused, proof or not (RFC 9449 §7.1).",
    requests: [
      withExpect(
        { ...dpopGet(proof()), headers: { authorization: `Bearer ${BOUND_TOKEN}` } },
        invalidToken("claims"),
      ),
      withExpect(
        {
          ...dpopGet(proof()),
          headers: {
            authorization: `Bearer ${BOUND_TOKEN}`,
            dpop: proof({ payload: { jti: "proof-vector-0004" } }),
          },
        },
        invalidToken("claims"),
      ),
    ],
  },
  dpopCase(
    "dpop-scheme-unbound-token",
    "The DPoP scheme with a token that has no `cnf.jkt`.",
    {
      ...dpopGet(proof({ accessToken: unboundToken })),
      headers: { authorization: `DPoP ${unboundToken}`, dpop: proof({ accessToken: unboundToken }) },
    },
    invalidToken("claims", "DPoP"),
  ),
];

// ---- output ------------------------------------------------------------------------------------

const root = path.resolve(import.meta.dirname, "..", "..", "test", "vectors", "protocol");
mkdirSync(root, { recursive: true });
const write = (file: string, value: unknown) =>
  writeFileSync(path.join(root, file), `${JSON.stringify(value, null, 2)}\n`);

write("config.json", {
  description: "Verifier configuration every case runs with (docs/protocol.md §Configuration).",
  ...CONFIG,
});
write("keys.json", {
  description: "TEST-ONLY private keys the vectors were signed with. Never use them elsewhere.",
  ...Object.fromEntries(Object.entries(KEYS).map(([name, { kid, jwk }]) => [name, { kid, ...jwk }])),
  dpopJkt: thumbprint(KEYS.dpop.jwk),
});
write("jwks.json", JWKS);
const groups: [string, string, Case[]][] = [
  ["tokens.json", "Access-token checks, scheme and scope (docs/protocol.md §3, §7).", tokens],
  ["jwks-cases.json", "JWKS fetch, unknown-kid refetch and its cooldown (docs/protocol.md §4).", jwks],
  [
    "revocations.json",
    "Revocation feed: revoked and narrowed sessions, fail closed (docs/protocol.md §5).",
    revocations,
  ],
  ["role-sync.json", "Role-sync ages on the feed and `scope_chains` (docs/protocol.md §6).", roleSyncCases],
  ["dpop.json", "DPoP-bound tokens and proofs (docs/protocol.md §8).", dpop],
];
for (const [file, description, cases] of groups) {
  if (cases.length > 0) write(file, { description, cases });
}
console.log(`wrote ${groups.reduce((n, [, , c]) => n + c.length, 0)} cases to ${root}`);
