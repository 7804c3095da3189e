// The verifier conformance vectors of docs/protocol.md (test/vectors/protocol/) run through
// @sigil/verify (what every adapter wraps), against a local issuer serving each case's JWKS and feed.
import { refusalOf, type SigilVerifier } from "@sigil/verify";
import {
  type Expectation,
  startVectorCase,
  type VectorRequest,
  vectorConfig as config,
  vectorGroups as groups,
} from "./support/vector-issuer.js";

interface Verdict {
  verdict: "accept" | "refuse";
  principal?: Record<string, unknown>;
  status?: number;
  error?: string;
  reason?: string;
  headers: Record<string, string>;
}

/** Runs one request through the verifier, and reads what the venue would answer. */
async function judge(verifier: SigilVerifier, request: VectorRequest): Promise<Verdict> {
  const req = {
    method: request.method,
    url: request.path,
    protocol: "https",
    headers: { host: new URL(config.dpop.publicUrl).host, ...request.headers },
  };
  let principal;
  try {
    principal = await verifier.verify(req as Parameters<SigilVerifier["verify"]>[0], request.requiredScopes);
  } catch (error) {
    const refusal = refusalOf(error, req as Parameters<typeof refusalOf>[1]);
    const { details } = error as { details?: { reason?: string } };
    return {
      verdict: "refuse",
      status: refusal?.status ?? 500,
      error: refusal?.body.error,
      ...(details?.reason === undefined ? {} : { reason: details.reason }),
      headers: Object.fromEntries(
        Object.entries(refusal?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      ),
    };
  }
  return {
    verdict: "accept",
    principal: {
      sub: principal.sub,
      address: principal.address,
      chainId: principal.chainId,
      scopes: [...principal.scopes].sort(),
      sid: principal.sid,
      jti: principal.jti,
      ...(principal.act ? { act: { ...principal.act } } : {}),
    },
    headers: {},
  };
}

function expected(e: Expectation): Verdict {
  if (e.verdict === "accept") {
    const principal = { ...e.principal, scopes: [...(e.principal!.scopes as string[])].sort() };
    return { verdict: "accept", principal, headers: {} };
  }
  return {
    verdict: "refuse",
    status: e.status!,
    error: e.error!,
    ...(e.reason === undefined ? {} : { reason: e.reason }),
    headers: e.headers ?? {},
  };
}

describe("V1: protocol vectors run through @sigil/verify", () => {
  it("V1: the vector set covers every case family docs/protocol.md names", () => {
    const ids = groups.flatMap(([, cases]) => cases.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(60);
  });

  for (const [file, cases] of groups) {
    describe(file, () => {
      it.each(cases.map((c) => [c.id, c] as const))("V1: %s", async (_id, vector) => {
        const issuer = await startVectorCase(vector);
        const verifier = issuer.verifier;
        try {
          for (const [index, request] of vector.requests.entries()) {
            const verdict = await judge(verifier, request);
            expect({ request: index, ...verdict }).toEqual({ request: index, ...expected(request.expect) });
            if (request.jwksFetches !== undefined) {
              expect({ request: index, jwksFetches: issuer.jwksFetches() }).toEqual({
                request: index,
                jwksFetches: request.jwksFetches,
              });
            }
          }
          expect(issuer.feedErrors).toEqual([]);
        } finally {
          await issuer.close();
        }
      });
    });
  }
});
