import { generateKeyPairSync } from "node:crypto";
import { createDpopProof } from "./create-dpop-proof.js";
import { verifyDpopProof } from "./verify-dpop-proof.js";

const NOW = new Date("2026-11-28T12:00:00Z");
const URL = "https://venue.example/orders";

function keyOf(kind: "ed25519" | "secp256k1" | "P-256") {
  return kind === "ed25519"
    ? generateKeyPairSync("ed25519").privateKey
    : generateKeyPairSync("ec", { namedCurve: kind }).privateKey;
}

function check(proof: string | undefined, more: Partial<Parameters<typeof verifyDpopProof>[0]> = {}) {
  const seen = new Set<string>();
  return verifyDpopProof({
    proof,
    method: "POST",
    url: URL,
    now: NOW,
    remember: (jti) => (seen.has(jti) ? false : (seen.add(jti), true)),
    ...more,
  });
}

describe("verifyDpopProof", () => {
  it.each(["ed25519", "secp256k1", "P-256"] as const)(
    "accepts a %s proof and reports its thumbprint",
    async (kind) => {
      const proof = createDpopProof({
        privateKey: keyOf(kind),
        htm: "POST",
        htu: URL,
        now: NOW,
        accessToken: "t",
      });
      const verified = await check(proof, { accessToken: "t" });
      expect(verified.alg).toBe({ ed25519: "EdDSA", secp256k1: "ES256K", "P-256": "ES256" }[kind]);
      await expect(check(proof, { accessToken: "t", expectedJkt: verified.jkt })).resolves.toMatchObject({
        jkt: verified.jkt,
      });
    },
  );

  it("B9: the query string does not count in htu, the path does", async () => {
    const proof = createDpopProof({ privateKey: keyOf("ed25519"), htm: "POST", htu: URL, now: NOW });
    await expect(check(proof, { url: `${URL}?a=1` })).resolves.toBeDefined();
    await expect(check(proof, { url: `${URL}/x` })).rejects.toMatchObject({ reason: "url" });
  });

  it("B9: refuses alg none, an HMAC alg, a header jwk carrying a private key, and a missing proof", async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const payload = b64({ htm: "POST", htu: URL, iat: NOW.getTime() / 1000, jti: "0123456789abcdef0123" });
    const privateJwk = keyOf("ed25519").export({ format: "jwk" });
    await expect(check(`${b64({ typ: "dpop+jwt", alg: "none" })}.${payload}.AA`)).rejects.toMatchObject({
      reason: "algorithm",
    });
    await expect(check(`${b64({ typ: "dpop+jwt", alg: "HS256" })}.${payload}.AA`)).rejects.toMatchObject({
      reason: "algorithm",
    });
    await expect(
      check(`${b64({ typ: "dpop+jwt", alg: "EdDSA", jwk: privateJwk })}.${payload}.AA`),
    ).rejects.toMatchObject({ reason: "key" });
    await expect(check(undefined)).rejects.toMatchObject({ code: "invalid_dpop_proof", reason: "missing" });
  });

  it("B9: a proof from the future (> 5 s) or older than the window is refused", async () => {
    const privateKey = keyOf("secp256k1");
    const at = (ms: number) =>
      createDpopProof({ privateKey, htm: "POST", htu: URL, now: new Date(NOW.getTime() + ms) });
    await expect(check(at(10_000))).rejects.toMatchObject({ reason: "iat" });
    await expect(check(at(-61_000))).rejects.toMatchObject({ reason: "iat" });
    await expect(check(at(-30_000))).resolves.toBeDefined();
  });
});
