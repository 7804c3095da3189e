import { generateSigningKey, MAX_ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from "@sigil/sessions";
import jwt from "jsonwebtoken";
import { generateKeyPairSync, verify as cryptoVerify } from "node:crypto";

const now = new Date("2026-11-27T12:00:00Z");
const iat = Math.floor(now.getTime() / 1000);
const key = generateSigningKey({ now });
const claims = {
  iss: "https://sigil.test",
  aud: "https://venue.test",
  sub: "eip155:31337:0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  scope: "orders:read orders:write",
  sid: "s-1",
  act: { sub: "eip155:31337:0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" },
  cnf: { jkt: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" },
};

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
const cryptoAccepts = (token: string, publicKey = key.publicKey) => {
  const dot = token.lastIndexOf(".");
  return cryptoVerify(
    "sha256",
    Buffer.from(token.slice(0, dot)),
    { key: publicKey, dsaEncoding: "ieee-p1363" },
    Buffer.from(token.slice(dot + 1), "base64url"),
  );
};

describe("signAccessToken", () => {
  const { token, claims: signed } = signAccessToken({ key, claims, now, ttlSeconds: 600, jti: "j-1" });
  const [header, payload, signature] = token.split(".") as [string, string, string];

  it("writes the header {alg, typ, kid} and nothing else, in that order", () => {
    expect(Buffer.from(header, "base64url").toString()).toBe(
      JSON.stringify({ alg: "ES256", typ: "at+jwt", kid: key.kid }),
    );
  });

  it("returns the claims it signed: the given ones plus jti, iat, nbf and exp", () => {
    const expected = { ...claims, jti: "j-1", iat, nbf: iat, exp: iat + 600 };
    expect(signed).toEqual(expected);
    expect(decode(payload)).toEqual(expected);
  });

  it("signs with a raw 64-byte r||s ES256 signature that node:crypto accepts", () => {
    expect(Buffer.from(signature, "base64url")).toHaveLength(64);
    expect(cryptoAccepts(token)).toBe(true);
    expect(cryptoAccepts(token, generateSigningKey({ now }).publicKey)).toBe(false);
  });

  it("is accepted by jsonwebtoken, which used to sign it, with the same header and payload bytes", () => {
    const verified = jwt.verify(token, key.publicKey, {
      algorithms: ["ES256"],
      issuer: claims.iss,
      audience: claims.aud,
      clockTimestamp: iat,
      complete: true,
    });
    expect(verified.header).toEqual({ alg: "ES256", typ: "at+jwt", kid: key.kid });
    expect(verified.payload).toEqual(signed);
    const reference = jwt.sign(signed, key.privateKey, {
      algorithm: "ES256",
      keyid: key.kid,
      header: { alg: "ES256", typ: "at+jwt", kid: key.kid },
    });
    expect(reference.slice(0, reference.lastIndexOf("."))).toBe(`${header}.${payload}`);
  });

  it("gives each token a fresh random jti by default", () => {
    const a = signAccessToken({ key, claims, now, ttlSeconds: 60 }).claims.jti;
    const b = signAccessToken({ key, claims, now, ttlSeconds: 60 }).claims.jti;
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it("a token whose payload was altered no longer verifies", () => {
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...signed, scope: "admin" })).toString("base64url")}.${signature}`;
    expect(cryptoAccepts(tampered)).toBe(false);
    expect(() => jwt.verify(tampered, key.publicKey, { algorithms: ["ES256"], clockTimestamp: iat })).toThrow(
      "invalid signature",
    );
  });

  it.each([0, -1, MAX_ACCESS_TOKEN_TTL_SECONDS + 1, Number.NaN])("B5: refuses a lifetime of %p s", (ttl) => {
    expect(() => signAccessToken({ key, claims, now, ttlSeconds: ttl })).toThrow(RangeError);
  });

  it("refuses a key that is not P-256, as jsonwebtoken did", () => {
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const wrong = { ...key, privateKey: p384.privateKey, publicKey: p384.publicKey };
    expect(() => signAccessToken({ key: wrong, claims, now, ttlSeconds: 60 })).toThrow(TypeError);
  });
});
