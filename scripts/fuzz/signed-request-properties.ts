// E1/A10 property checks over signed API requests, shared by `npm run fuzz` (≥ 10⁵ cases each) and
// `npm test` (test/bots/signed-request.fuzz.test.ts, a few hundred): a correctly signed request
// verifies exactly once; any alteration, and any arbitrary header set, is `request_signature_invalid`.
import { type ApiKeyVerifier, signRequest, verifySignedRequest } from "@sigil/sessions";
import fc from "fast-check";
import { generateKeyPairSync } from "node:crypto";
import type { FuzzRun } from "./token-properties.js";

const NOW = new Date("2026-11-28T12:00:00Z");
const HMAC_SECRET = "fuzz-secret-0123456789abcdef0123456789ab";
const ed = generateKeyPairSync("ed25519");
const KEYS: Record<string, ApiKeyVerifier> = {
  sk_hmacKeyFuzz0123456789: { alg: "hmac-sha256", secret: Buffer.from(HMAC_SECRET) },
  sk_edKeyFuzz012345678901: { alg: "ed25519", publicKey: ed.publicKey },
};

const parameters = (run: FuzzRun) => (run.seed === undefined ? { numRuns: run.numRuns } : run);

interface Call {
  headers: Record<string, string>;
  method: string;
  target: string;
  body: Uint8Array;
}

/** Verifies with a fresh nonce store unless one is given. */
function verify(call: Call, seen = new Set<string>()): Promise<string> {
  return verifySignedRequest({
    ...call,
    now: NOW,
    windowSeconds: 5,
    resolveKey: async (id) => KEYS[id],
    remember: async (key) => (seen.has(key) ? false : (seen.add(key), true)),
  });
}

/** Resolves when `promise` fails with `request_signature_invalid`; throws otherwise. */
async function expectRefused(promise: Promise<unknown>, what: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if ((error as { code?: unknown }).code === "request_signature_invalid") return;
    throw new Error(`${what}: failed with something else than request_signature_invalid`, { cause: error });
  }
  throw new Error(`${what}: verified`);
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

function signed(r: SignedInput): Call {
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

/** Every correctly signed request inside the window verifies as its key, and only once. */
export async function checkSignedRequestsVerifyOnce(run: FuzzRun): Promise<void> {
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const call = signed(r);
      const seen = new Set<string>();
      const keyId = await verify(call, seen);
      if (keyId !== r.keyId) throw new Error(`verified as ${keyId}, signed by ${r.keyId}`);
      await expectRefused(verify(call, seen), "a replayed request");
    }),
    parameters(run),
  );
}

/** Any alteration of method, path, query, body, timestamp, nonce, key id or signature is refused. */
export async function checkSignedRequestMutations(run: FuzzRun): Promise<void> {
  const mutation = fc.constantFrom(
    "method",
    "path",
    "query",
    "body",
    "timestamp",
    "nonce",
    "key",
    "signature",
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
      await expectRefused(verify({ headers: h, method, target, body }), `a request with its ${what} altered`);
    }),
    parameters(run),
  );
}

/** Arbitrary headers and requests never verify, and fail only with `request_signature_invalid`. */
export async function checkArbitrarySignedRequests(run: FuzzRun): Promise<void> {
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
        const headers = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as Record<
          string,
          string
        >;
        await expectRefused(verify({ headers, method: "POST", target, body }), "an arbitrary request");
      },
    ),
    parameters(run),
  );
}
