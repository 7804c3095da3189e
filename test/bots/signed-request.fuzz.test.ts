import { type ApiKeyVerifier, signRequest, verifySignedRequest } from "@sigil/sessions";
import fc from "fast-check";
import { generateKeyPairSync } from "node:crypto";

const NOW = new Date("2026-11-28T12:00:00Z");
const HMAC_SECRET = "fuzz-secret-0123456789abcdef0123456789ab";
const ed = generateKeyPairSync("ed25519");
const KEYS: Record<string, ApiKeyVerifier> = {
  sk_hmacKeyFuzz0123456789: { alg: "hmac-sha256", secret: Buffer.from(HMAC_SECRET) },
  sk_edKeyFuzz012345678901: { alg: "ed25519", publicKey: ed.publicKey },
};

/** Verifies with a fresh nonce store each time unless one is given. */
function verify(p: {
  headers: Record<string, string>;
  method: string;
  target: string;
  body: Uint8Array;
  seen?: Set<string>;
}) {
  const seen = p.seen ?? new Set<string>();
  return verifySignedRequest({
    ...p,
    now: NOW,
    windowSeconds: 5,
    resolveKey: async (id) => KEYS[id],
    remember: async (key) => (seen.has(key) ? false : (seen.add(key), true)),
  });
}

const request = fc.record({
  keyId: fc.constantFrom(...Object.keys(KEYS)),
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE"),
  path: fc.stringMatching(/^\/[a-z0-9/_-]{0,40}$/),
  query: fc.option(fc.stringMatching(/^[a-z0-9=&%_-]{1,30}$/), { nil: undefined }),
  body: fc.uint8Array({ maxLength: 256 }),
  ageMs: fc.integer({ min: -1000, max: 5000 }),
  nonce: fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/),
});

type SignedInput = typeof request extends fc.Arbitrary<infer T> ? T : never;

function signed(r: SignedInput) {
  const target = r.query === undefined ? r.path : `${r.path}?${r.query}`;
  const signer = r.keyId.startsWith("sk_hmac")
    ? ({ alg: "hmac-sha256", secret: HMAC_SECRET } as const)
    : ({ alg: "ed25519", privateKey: ed.privateKey } as const);
  const headers = signRequest({
    keyId: r.keyId,
    signer,
    method: r.method,
    target,
    body: r.body,
    now: new Date(NOW.getTime() - r.ageMs),
    nonce: r.nonce,
  });
  return { headers, method: r.method, target, body: r.body };
}

/** E1/A10: property-based fuzz of signed-request verification. */
describe("bots: signed-request verification (fast-check)", () => {
  it("E1: every correctly signed request inside the window verifies, exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const call = signed(r);
        const seen = new Set<string>();
        await expect(verify({ ...call, seen })).resolves.toBe(r.keyId);
        await expect(verify({ ...call, seen })).rejects.toMatchObject({ code: "request_signature_invalid" });
      }),
      { numRuns: 300 },
    );
  });

  it("E1: any alteration of method, path, query, body, timestamp, nonce, key id or signature is refused", async () => {
    const mutation = fc.oneof(
      fc.constant("method"),
      fc.constant("path"),
      fc.constant("query"),
      fc.constant("body"),
      fc.constant("timestamp"),
      fc.constant("nonce"),
      fc.constant("key"),
      fc.constant("signature"),
    );
    await fc.assert(
      fc.asyncProperty(request, mutation, fc.nat(), async (r, what, n) => {
        const call = signed(r);
        const h = { ...call.headers };
        let { method, target, body } = call;
        if (what === "method") method = method === "GET" ? "POST" : "GET";
        if (what === "path") target = `/x${target}`;
        if (what === "query") target = target.includes("?") ? target.replace("?", "?z=1&") : `${target}?z=1`;
        if (what === "body") body = Uint8Array.from([...body, n % 256]);
        if (what === "timestamp")
          h["x-sigil-timestamp"] = String(Number(h["x-sigil-timestamp"]) - 1 - (n % 900));
        if (what === "nonce")
          h["x-sigil-nonce"] = `${h["x-sigil-nonce"]!.slice(1)}${h["x-sigil-nonce"]![0] === "a" ? "b" : "a"}`;
        if (what === "key") h["x-sigil-key"] = Object.keys(KEYS).find((id) => id !== h["x-sigil-key"])!;
        if (what === "signature") {
          const bytes = Buffer.from(h["x-sigil-signature"]!, "base64url");
          bytes[n % bytes.length] = bytes[n % bytes.length]! ^ (1 << (n % 8));
          h["x-sigil-signature"] = bytes.toString("base64url");
        }
        await expect(verify({ headers: h, method, target, body })).rejects.toMatchObject({
          code: "request_signature_invalid",
        });
      }),
      { numRuns: 500 },
    );
  });

  it("E1: arbitrary headers and requests never verify and never throw anything but request_signature_invalid", async () => {
    const header = fc.option(fc.string({ maxLength: 100 }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          "x-sigil-key": fc.oneof(header, fc.constantFrom(...Object.keys(KEYS))),
          "x-sigil-timestamp": fc.oneof(header, fc.constant(String(NOW.getTime()))),
          "x-sigil-nonce": header,
          "x-sigil-signature": header,
        }),
        fc.string({ maxLength: 60 }),
        fc.uint8Array({ maxLength: 64 }),
        async (raw, target, body) => {
          const headers = Object.fromEntries(
            Object.entries(raw).filter(([, v]) => v !== undefined),
          ) as Record<string, string>;
          await expect(verify({ headers, method: "POST", target, body })).rejects.toMatchObject({
            code: "request_signature_invalid",
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
