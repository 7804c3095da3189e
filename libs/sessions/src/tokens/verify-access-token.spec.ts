import {
  generateRefreshToken,
  generateSigningKey,
  InvalidTokenError,
  signAccessToken,
  type SigningKey,
  type TokenInvalidReason,
  verifyAccessToken,
} from "@sigil/sessions";
import { createHmac, generateKeyPairSync, sign as cryptoSign } from "node:crypto";

const now = new Date("2026-11-27T12:00:00Z");
const issuer = "https://sigil.test";
const audience = "https://venue.test";
const key = generateSigningKey({ now });
const other = generateSigningKey({ now });
const keys = new Map<string, SigningKey>([[key.kid, key]]);
const resolveKey = (kid: string) => keys.get(kid)?.publicKey;
const claims = { iss: issuer, aud: audience, sub: "eip155:31337:0xabc", scope: "orders:read", sid: "s-1" };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const payload = () => {
  const iat = Math.floor(now.getTime() / 1000);
  return { ...claims, jti: "j-1", iat, nbf: iat, exp: iat + 600 };
};

function reasonOf(
  token: string,
  at: Date = now,
  overrides: Partial<{ issuer: string; audience: string }> = {},
) {
  try {
    verifyAccessToken({ token, resolveKey, issuer, audience, now: at, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect((error as InvalidTokenError).code).toBe("invalid_token");
    return (error as InvalidTokenError).reason;
  }
  return "accepted";
}

/** Signs header.payload with our ES256 key, whatever the header says. */
function es256(header: Record<string, unknown>, body: unknown = payload(), signer = key): string {
  const input = `${b64(header)}.${b64(body)}`;
  const signature = cryptoSign("sha256", Buffer.from(input), {
    key: signer.privateKey,
    dsaEncoding: "ieee-p1363",
  });
  return `${input}.${signature.toString("base64url")}`;
}

describe("verifyAccessToken", () => {
  const { token } = signAccessToken({ key, claims, now, ttlSeconds: 600 });

  it("accepts a token Sigil signed and returns its claims", () => {
    const verified = verifyAccessToken({ token, resolveKey, issuer, audience, now });
    expect(verified).toMatchObject({ ...claims, exp: Math.floor(now.getTime() / 1000) + 600 });
    const header = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString());
    expect(header).toEqual({ alg: "ES256", typ: "at+jwt", kid: key.kid });
  });

  it('B1: refuses alg "none"', () => {
    const unsigned = `${b64({ alg: "none", typ: "at+jwt", kid: key.kid })}.${b64(payload())}.`;
    expect(reasonOf(unsigned)).toBe("malformed");
    expect(reasonOf(`${unsigned}AA`)).toBe("algorithm");
  });

  it("B1: refuses HS256 signed with the public key as the HMAC secret", () => {
    const input = `${b64({ alg: "HS256", typ: "at+jwt", kid: key.kid })}.${b64(payload())}`;
    const secret = key.publicKey.export({ format: "pem", type: "spki" });
    const mac = createHmac("sha256", secret).update(input).digest("base64url");
    expect(reasonOf(`${input}.${mac}`)).toBe("algorithm");
  });

  it.each(["RS256", "ES384", "EdDSA", "PS256", "ES256K"])("B1: refuses alg %s", (alg) => {
    expect(reasonOf(es256({ alg, typ: "at+jwt", kid: key.kid }))).toBe("algorithm");
  });

  it("B2: ignores jku, x5u and an embedded jwk: only the JWKS decides", () => {
    const attacker = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const forged = es256(
      {
        alg: "ES256",
        typ: "at+jwt",
        kid: "attacker",
        jku: "https://evil.test/jwks.json",
        x5u: "https://evil.test/cert.pem",
        jwk: attacker.publicKey.export({ format: "jwk" }),
      },
      payload(),
      { ...key, privateKey: attacker.privateKey },
    );
    expect(reasonOf(forged)).toBe("key_unknown");
    // Same headers with our kid but the attacker's signature: the JWKS key decides, and says no.
    const withOurKid = es256(
      { alg: "ES256", typ: "at+jwt", kid: key.kid, jku: "https://evil.test" },
      payload(),
      {
        ...key,
        privateKey: attacker.privateKey,
      },
    );
    expect(reasonOf(withOurKid)).toBe("signature");
  });

  it.each(["' OR 1=1 --", "../../etc/passwd", "a".repeat(200), ""])(
    "B2: a kid like %j is refused before lookup",
    (kid) => {
      const seen: string[] = [];
      const token = es256({ alg: "ES256", typ: "at+jwt", kid });
      expect(() =>
        verifyAccessToken({ token, resolveKey: (k) => (seen.push(k), undefined), issuer, audience, now }),
      ).toThrow(InvalidTokenError);
      expect(seen).toEqual([]);
    },
  );

  it("refuses a token signed by a key that is not in the JWKS", () => {
    expect(reasonOf(signAccessToken({ key: other, claims, now, ttlSeconds: 600 }).token)).toBe("key_unknown");
  });

  it.each<[string, Record<string, unknown>, TokenInvalidReason]>([
    ["a missing typ", { alg: "ES256", kid: key.kid }, "type"],
    ["typ JWT", { alg: "ES256", typ: "JWT", kid: key.kid }, "type"],
    ["typ dpop+jwt", { alg: "ES256", typ: "dpop+jwt", kid: key.kid }, "type"],
  ])("B3: refuses %s", (_name, header, reason) => {
    expect(reasonOf(es256(header))).toBe(reason);
  });

  it("B3: enforces iss and aud", () => {
    expect(reasonOf(token, now, { issuer: "https://other.test" })).toBe("issuer");
    expect(reasonOf(token, now, { audience: "https://other.test" })).toBe("audience");
  });

  it("B3: enforces exp and nbf with 30 s of skew, no more", () => {
    const expiresAt = now.getTime() + 600_000;
    expect(reasonOf(token, new Date(expiresAt + 29_000))).toBe("accepted");
    expect(reasonOf(token, new Date(expiresAt + 31_000))).toBe("expired");
    expect(reasonOf(token, new Date(now.getTime() - 29_000))).toBe("accepted");
    expect(reasonOf(token, new Date(now.getTime() - 31_000))).toBe("not_yet_valid");
  });

  it("B3: a refresh token used as an access token is refused", () => {
    expect(reasonOf(generateRefreshToken().token)).toBe("malformed");
  });

  it("refuses a validly signed token that lacks the claims Sigil relies on", () => {
    const { sid: _sid, ...withoutSid } = payload();
    expect(reasonOf(es256({ alg: "ES256", typ: "at+jwt", kid: key.kid }, withoutSid))).toBe("claims");
  });

  it("P5: keeps scope_chains and refuses a malformed one rather than reading it as absent", () => {
    const scoped = signAccessToken({
      key,
      claims: { ...claims, scope_chains: { "orders:read": [31338] } },
      now,
      ttlSeconds: 600,
    });
    expect(
      verifyAccessToken({ token: scoped.token, resolveKey, issuer, audience, now }).scope_chains,
    ).toEqual({
      "orders:read": [31338],
    });
    const header = { alg: "ES256", typ: "at+jwt", kid: key.kid };
    for (const bad of [[31338], { "orders:read": 31338 }, { "orders:read": ["31338"] }, { x: [0] }]) {
      expect(reasonOf(es256(header, { ...payload(), scope_chains: bad }))).toBe("claims");
    }
  });

  it("refuses a token whose signature was altered", () => {
    const [h, p, s] = token.split(".");
    const flipped = `${h}.${p}.${s!.slice(0, -2)}${s!.endsWith("A") ? "BA" : "AA"}`;
    expect(reasonOf(flipped)).toBe("signature");
  });
});

describe("signAccessToken", () => {
  it("B5: refuses lifetimes over 15 minutes", () => {
    expect(() => signAccessToken({ key, claims, now, ttlSeconds: 901 })).toThrow(RangeError);
  });
});

describe("generateRefreshToken", () => {
  it("A11/H2: makes 256-bit random tokens and stores only their SHA-256", () => {
    const a = generateRefreshToken();
    const b = generateRefreshToken();
    expect(a.token).toMatch(/^srt_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.token.slice(4), "base64url")).toHaveLength(32);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toHaveLength(32);
    expect(a.hash.toString("hex")).not.toContain(Buffer.from(a.token).toString("hex"));
  });
});
