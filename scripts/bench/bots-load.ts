// Bots (issue 5): signed-request verifications/s in process, and DPoP-bound requests/s through libs/guard.
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { createBotClient, createSessionKey, ownerApi, signDelegation } from "@sigil/client/node";
import { type ApiKeyVerifier, createDpopProof, signRequest, verifySignedRequest } from "@sigil/sessions";
import autocannon from "autocannon";
import { generateKeyPairSync } from "node:crypto";

export interface SignedRequestThroughput {
  hmacPerSecond: number;
  ed25519PerSecond: number;
}

/**
 * Signed-request verifications per second on one core (the A10 path: headers, window, HMAC-SHA256
 * or Ed25519 over the canonical request, nonce recorded in memory; no database, no HTTP).
 */
export async function signedRequestVerificationsPerSecond(seconds = 2): Promise<SignedRequestThroughput> {
  const ed = generateKeyPairSync("ed25519");
  const secret = "bench-secret-0123456789abcdef0123456789";
  const keys: Record<string, ApiKeyVerifier> = {
    sk_benchHmacKey0123456789: { alg: "hmac-sha256", secret: Buffer.from(secret) },
    sk_benchEdKey012345678901: { alg: "ed25519", publicKey: ed.publicKey },
  };
  const body = Buffer.from(JSON.stringify({ market: "ETH-USD", side: "buy", size: "1" }));
  const measure = async (keyId: string, signer: Parameters<typeof signRequest>[0]["signer"]) => {
    // Pre-signed, so only verification is timed.
    const now = new Date();
    const requests = Array.from({ length: 20_000 }, () =>
      signRequest({ keyId, signer, method: "POST", target: "/v1/orders?x=1", body, now }),
    );
    const seen = new Set<string>();
    const started = performance.now();
    let done = 0;
    while (performance.now() - started < seconds * 1000 && done < requests.length) {
      await verifySignedRequest({
        headers: requests[done]!,
        method: "POST",
        target: "/v1/orders?x=1",
        body,
        now,
        windowSeconds: 60,
        resolveKey: async (id) => keys[id],
        remember: async (key) => (seen.has(key) ? false : (seen.add(key), true)),
      });
      done += 1;
    }
    return done / ((performance.now() - started) / 1000);
  };
  return {
    hmacPerSecond: await measure("sk_benchHmacKey0123456789", { alg: "hmac-sha256", secret }),
    ed25519PerSecond: await measure("sk_benchEdKey012345678901", {
      alg: "ed25519",
      privateKey: ed.privateKey,
    }),
  };
}

export interface DpopLoadResult {
  perSecond: number;
  /** The same route with a plain Bearer token in the same run, for comparison. */
  bearerPerSecond: number;
}

/**
 * DPoP-bound requests per second at the venue's guarded route: the trader delegates
 * `positions:read` to an Ed25519 session key; each request carries a fresh proof (client-made).
 */
export async function runDpopLoad(p: {
  apiUrl: string;
  venueUrl: string;
  bearerToken: string;
  seconds: number;
  connections?: number;
}): Promise<DpopLoadResult> {
  const trader = devAccount(DevAccountIndex.trader);
  const challenge = (await (
    await fetch(`${p.apiUrl}/v1/auth/challenge`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ address: trader.address, chainId: 31337 }),
    })
  ).json()) as { message: string };
  const login = (await (
    await fetch(`${p.apiUrl}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        message: challenge.message,
        signature: await trader.signMessage({ message: challenge.message }),
      }),
    })
  ).json()) as { access_token: string };
  const sessionKey = createSessionKey("ed25519");
  const delegation = await ownerApi({ baseUrl: p.apiUrl, accessToken: login.access_token }).createDelegation(
    await signDelegation({
      owner: trader as never,
      sessionKey,
      terms: { scopes: ["positions:read"], expiresAt: Math.floor(Date.now() / 1000) + 3600, chainId: 31337 },
    }),
  );
  const bot = createBotClient({
    baseUrl: p.apiUrl,
    credential: { kind: "delegation", delegationId: delegation.id, sessionKey },
  });
  const { access_token: token } = await bot.token();
  const url = `${p.venueUrl}/bench/guarded`;
  const run = (seconds: number, dpop: boolean) =>
    autocannon({
      url,
      connections: p.connections ?? 32,
      duration: seconds,
      requests: [
        {
          method: "GET",
          setupRequest: (request: { headers?: Record<string, string> }) => {
            request.headers = dpop
              ? {
                  authorization: `DPoP ${token}`,
                  dpop: createDpopProof({
                    privateKey: sessionKey.privateKey,
                    htm: "GET",
                    htu: url,
                    now: new Date(),
                    accessToken: token,
                  }),
                }
              : { authorization: `Bearer ${p.bearerToken}` };
            return request;
          },
        },
      ],
    } as autocannon.Options);
  await run(1, true);
  const dpop = await run(p.seconds, true);
  const bearer = await run(p.seconds, false);
  for (const [name, result] of [
    ["DPoP", dpop],
    ["Bearer", bearer],
  ] as const) {
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`${name} load: ${result.non2xx} non-2xx and ${result.errors} errors`);
    }
  }
  return { perSecond: dpop.requests.average, bearerPerSecond: bearer.requests.average };
}
