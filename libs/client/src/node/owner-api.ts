import { requestJson } from "../http/request-json.js";
import type { SignedDelegation } from "./sign-delegation.js";

/** The owner's side (a wallet session's token from a recent sign-in): delegations and API keys. */
export function ownerApi(p: { baseUrl: string; accessToken: string; fetch?: typeof globalThis.fetch }) {
  const base = p.baseUrl.replace(/\/$/, "");
  const call = <T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown) =>
    requestJson<T>({
      fetch: p.fetch ?? globalThis.fetch,
      url: `${base}${path}`,
      method,
      accessToken: p.accessToken,
      ...(body === undefined ? {} : { body }),
    });
  return {
    createDelegation: (delegation: SignedDelegation) =>
      call<{ id: string; scopes: string[] }>("POST", "/v1/delegations", delegation),
    listDelegations: () =>
      call<{ delegations: { id: string; scopes: string[]; revokedAt: string | null }[] }>(
        "GET",
        "/v1/delegations",
      ),
    revokeDelegation: (id: string) => call<void>("DELETE", `/v1/delegations/${encodeURIComponent(id)}`),
    createApiKey: (body: {
      alg: "hmac-sha256" | "ed25519";
      publicKey?: string;
      scopes: string[];
      expiresAt: number;
      allowedClients?: string[];
      maxRequestsPerMinute?: number;
    }) => call<{ id: string; alg: string; secret?: string; expiresAt: string }>("POST", "/v1/api-keys", body),
    rotateApiKey: (id: string, body: { overlapSeconds?: number; publicKey?: string } = {}) =>
      call<{ id: string; secret?: string; replacesId: string }>(
        "POST",
        `/v1/api-keys/${encodeURIComponent(id)}/rotate`,
        body,
      ),
    revokeApiKey: (id: string) => call<void>("DELETE", `/v1/api-keys/${encodeURIComponent(id)}`),
  };
}
