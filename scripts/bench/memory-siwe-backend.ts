// The sign-in benchmark's reference: a minimal SIWE backend in one Node process, nonces and sessions
// in memory, no database and no chain read, serving the routes and shapes login-load.ts drives.
// Forked by sign-in-reference.ts with its crypto as argv[2]; sends its port to the parent.
import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import http from "node:http";
import { createRequire } from "node:module";
import { getAddress, isAddress, verifyMessage, type Hex } from "viem";
import { createSiweMessage, parseSiweMessage, validateSiweMessage } from "viem/siwe";
import type { ReferenceCrypto } from "./sign-in-reference.js";

const CHAIN_ID = 31337;
const NONCE_TTL_MS = 300_000;
const ACCESS_TTL_S = 600;
const SESSION_TTL_MS = 86_400_000;
const MAX_AGE_MS = 300_000;
const CLOCK_SKEW_MS = 30_000;
const MAX_BODY = 16_384;

const backend = (process.argv[2] ?? "native") as ReferenceCrypto;
if (backend !== "native" && backend !== "viem") throw new Error(`memory-siwe-backend: crypto ${backend}?`);

interface NativeSecp256k1 {
  ecdsaRecover(signature: Uint8Array, recid: number, digest: Uint8Array, compressed: boolean): Uint8Array;
}
type NativeKeccak = (algorithm: "keccak256") => { update(data: Buffer): { digest(): Buffer } };
const require = createRequire(import.meta.url);
// The bindings entries, as @sigil/siwe loads them: the packages' main entries fall back to JS.
const native =
  backend === "native"
    ? {
        secp256k1: require("secp256k1/bindings.js") as NativeSecp256k1,
        keccak: require("keccak/bindings.js") as NativeKeccak,
      }
    : undefined;

/** True when `signature` is `address`'s personal_sign (EIP-191) signature of `message`. */
async function signedBy(message: string, signature: string, address: string): Promise<boolean> {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) return false;
  if (!native) return verifyMessage({ address: address as Hex, message, signature: signature as Hex });
  const bytes = Buffer.from(signature.slice(2), "hex");
  const v = bytes[64]!;
  const recid = v >= 27 ? v - 27 : v;
  if (recid !== 0 && recid !== 1) return false;
  const body = Buffer.from(message, "utf8");
  const digest = native
    .keccak("keccak256")
    .update(Buffer.concat([Buffer.from(`\x19Ethereum Signed Message:\n${body.length}`), body]))
    .digest();
  let publicKey: Uint8Array;
  try {
    publicKey = native.secp256k1.ecdsaRecover(bytes.subarray(0, 64), recid, digest, false);
  } catch {
    return false;
  }
  const hash = native
    .keccak("keccak256")
    .update(Buffer.from(publicKey.subarray(1)))
    .digest();
  return `0x${hash.subarray(12).toString("hex")}` === address.toLowerCase();
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

let origin = "";
let domain = "";
const nonces = new Map<string, { expiresAt: number; address?: string; chainId?: number }>();
const sessions = new Map<string, { sub: string; expiresAt: number }>();
const signingKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
const JWT_HEADER = Buffer.from(JSON.stringify({ alg: "ES256", typ: "JWT", kid: "reference" })).toString(
  "base64url",
);

function issueNonce(bound: { address?: string; chainId?: number } = {}) {
  const nonce = randomBytes(16).toString("hex");
  const expiresAt = Date.now() + NONCE_TTL_MS;
  nonces.set(nonce, { expiresAt, ...bound });
  return { nonce, expiresAt: new Date(expiresAt) };
}

function challenge(body: Record<string, unknown>) {
  const { address, chainId } = body;
  if (typeof address !== "string" || !isAddress(address, { strict: false }))
    throw new HttpError(400, "invalid_request");
  if (chainId !== CHAIN_ID) throw new HttpError(400, "chain_not_allowed");
  const checksummed = getAddress(address);
  const { nonce, expiresAt } = issueNonce({ address: checksummed, chainId });
  const issuedAt = new Date();
  const message = createSiweMessage({
    domain,
    address: checksummed,
    statement: "Sign in to the reference.",
    uri: origin,
    version: "1",
    chainId,
    nonce,
    issuedAt,
    expirationTime: expiresAt,
  });
  return { nonce, message, expiresAt: expiresAt.toISOString() };
}

async function login(body: Record<string, unknown>) {
  const { message: text, signature } = body;
  if (typeof text !== "string" || typeof signature !== "string") throw new HttpError(400, "invalid_request");
  const now = new Date();
  const message = parseSiweMessage(text);
  if (!validateSiweMessage({ message, domain, time: now })) throw new HttpError(400, "invalid_message");
  const { address, nonce, issuedAt } = message;
  // viem's check leaves these to the caller: the URI, the chain and Issued At's window.
  if (message.uri !== origin || message.chainId !== CHAIN_ID || !address || !nonce || !issuedAt)
    throw new HttpError(400, "invalid_message");
  const age = now.getTime() - issuedAt.getTime();
  if (!(age <= MAX_AGE_MS && age >= -CLOCK_SKEW_MS)) throw new HttpError(400, "invalid_message");
  // Single use: taken out before the signature is checked, so a replay finds it gone.
  const issued = nonces.get(nonce);
  nonces.delete(nonce);
  if (!issued || issued.expiresAt <= now.getTime()) throw new HttpError(400, "nonce_invalid");
  if (issued.chainId !== undefined && issued.chainId !== message.chainId)
    throw new HttpError(400, "nonce_invalid");
  if (issued.address !== undefined && issued.address !== getAddress(address))
    throw new HttpError(400, "nonce_invalid");
  if (!(await signedBy(text, signature, address))) throw new HttpError(401, "signature_invalid");

  const sub = `eip155:${message.chainId}:${getAddress(address)}`;
  const refreshToken = randomBytes(32).toString("base64url");
  const sessionId = createHash("sha256").update(refreshToken).digest("base64url").slice(0, 22);
  sessions.set(refreshToken, { sub, expiresAt: now.getTime() + SESSION_TTL_MS });
  const iat = Math.floor(now.getTime() / 1000);
  const claims = {
    iss: origin,
    sub,
    aud: origin,
    iat,
    exp: iat + ACCESS_TTL_S,
    jti: sessionId,
    sid: sessionId,
  };
  const signingInput = `${JWT_HEADER}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  const jws = sign("sha256", Buffer.from(signingInput), { key: signingKey, dsaEncoding: "ieee-p1363" });
  return {
    access_token: `${signingInput}.${jws.toString("base64url")}`,
    token_type: "Bearer",
    expires_in: ACCESS_TTL_S,
    refresh_token: refreshToken,
    scope: "",
    session_id: sessionId,
    sub,
  };
}

async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, "payload_too_large");
    chunks.push(chunk);
  }
  try {
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (typeof body === "object" && body !== null) return body as Record<string, unknown>;
  } catch {
    // Answered below as any other malformed body.
  }
  throw new HttpError(400, "invalid_request");
}

async function route(request: http.IncomingMessage): Promise<unknown> {
  const key = `${request.method} ${request.url}`;
  if (key === "GET /v1/auth/nonce") {
    const { nonce, expiresAt } = issueNonce();
    return { nonce, expiresAt: expiresAt.toISOString() };
  }
  if (key === "POST /v1/auth/challenge") return challenge(await readJson(request));
  if (key === "POST /v1/auth/login") return login(await readJson(request));
  if (key === "GET /health") return { status: "ok" };
  throw new HttpError(404, "not_found");
}

const server = http.createServer((request, response) => {
  const answer = (status: number, body: unknown) => {
    response.statusCode = status;
    response.setHeader("content-type", "application/json; charset=utf-8");
    response.end(JSON.stringify(body));
  };
  route(request).then(
    (body) => answer(200, body),
    (error: unknown) =>
      error instanceof HttpError
        ? answer(error.status, { error: error.code })
        : answer(400, { error: "invalid_request" }),
  );
});

// Expired nonces (issued, never used) and sessions leave the maps, as a TTL store would drop them.
setInterval(() => {
  const now = Date.now();
  for (const [nonce, { expiresAt }] of nonces) if (expiresAt <= now) nonces.delete(nonce);
  for (const [token, { expiresAt }] of sessions) if (expiresAt <= now) sessions.delete(token);
}, 10_000).unref();

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  origin = `http://127.0.0.1:${port}`;
  domain = `127.0.0.1:${port}`;
  process.send?.(port);
});
