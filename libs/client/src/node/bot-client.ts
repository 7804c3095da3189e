import { type ApiKeySigner, createDpopProof, signRequest } from "@sigil/sessions";
import { ClientErrorCodes, SigilClientError } from "../errors/sigil-client-error.js";
import { readError } from "../http/read-error.js";
import type { SessionKey } from "./session-key.js";

/** A bot token as Sigil returns it (no refresh token: the bot proves its key again). */
export interface BotToken {
  access_token: string;
  token_type: "DPoP" | "Bearer";
  expires_in: number;
  scope: string;
  session_id: string;
  sub: string;
}

/** How the bot proves itself: a delegated session key, or an API key. */
export type BotCredential =
  | { kind: "delegation"; delegationId: string; sessionKey: SessionKey }
  | { kind: "api-key"; keyId: string; signer: ApiKeySigner };

export interface BotClientOptions {
  /** Where the auth-api answers, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** The auth-api's issuer URL, for DPoP `htu`; by default read from its RFC 8414 metadata. */
  issuer?: string;
  credential: BotCredential;
  /** Scopes to ask for; default all the delegation or key allows. */
  scope?: string[];
  fetch?: typeof globalThis.fetch;
  /** Clock (tests); `new Date()` by default. */
  now?: () => Date;
  /** Renew the token this many seconds before it expires (default 30). */
  refreshMarginSeconds?: number;
}

/** A bot's view of Sigil: tokens kept fresh, DPoP proofs or signatures made per request. */
export interface BotClient {
  /** A live access token (re-logs in when it is about to expire). */
  token(): Promise<BotToken>;
  /** `fetch` with the bot's token: `DPoP` + a fresh proof per request, or `Bearer`; one retry after a 401. */
  fetch(
    url: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** A request signed with the API key (exchange style), to the auth-api. */
  signedFetch(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  /** Drops the cached token (the next call logs in again). */
  reset(): void;
}

/** Creates a {@link BotClient}: the Node SDK for bots, for delegations and API keys alike. */
export function createBotClient(options: BotClientOptions): BotClient {
  const fetcher = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const base = options.baseUrl.replace(/\/$/, "");
  let issuer: string | undefined = options.issuer?.replace(/\/$/, "");
  const margin = (options.refreshMarginSeconds ?? 30) * 1000;
  const { credential } = options;
  let current: { token: BotToken; expiresAtMs: number } | undefined;
  let pending: Promise<BotToken> | undefined;

  async function send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetcher(url, init);
    } catch (cause) {
      throw new SigilClientError(ClientErrorCodes.networkError, `could not reach ${url}`, { cause });
    }
  }

  async function signedFetch(
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<Response> {
    if (credential.kind !== "api-key") throw new TypeError("signedFetch needs an API-key credential");
    const method = init.method ?? "GET";
    const body = init.body === undefined ? "" : JSON.stringify(init.body);
    const headers = signRequest({
      keyId: credential.keyId,
      signer: credential.signer,
      method,
      target: path,
      body,
      now: now(),
    });
    return send(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body } : {}),
    });
  }

  /** The issuer named in the auth-api's metadata (it may differ from the URL it is reached at). */
  async function issuerUrl(): Promise<string> {
    if (issuer !== undefined) return issuer;
    const response = await send(`${base}/.well-known/oauth-authorization-server`, {
      headers: { accept: "application/json" },
    });
    if (!response.ok) throw await readError(response);
    const metadata = (await response.json()) as { issuer?: unknown };
    issuer = typeof metadata.issuer === "string" ? metadata.issuer.replace(/\/$/, "") : base;
    return issuer;
  }

  async function login(): Promise<BotToken> {
    const scopeBody = options.scope ? { scope: options.scope } : {};
    let response: Response;
    if (credential.kind === "delegation") {
      const path = `/v1/delegations/${credential.delegationId}/token`;
      const dpop = createDpopProof({
        privateKey: credential.sessionKey.privateKey,
        htm: "POST",
        htu: `${await issuerUrl()}${path}`,
        now: now(),
      });
      response = await send(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", dpop },
        body: JSON.stringify(scopeBody),
      });
    } else {
      response = await signedFetch("/v1/api-keys/token", { method: "POST", body: scopeBody });
    }
    if (!response.ok) throw await readError(response);
    const token = (await response.json()) as BotToken;
    current = { token, expiresAtMs: now().getTime() + token.expires_in * 1000 };
    return token;
  }

  async function token(): Promise<BotToken> {
    if (current && current.expiresAtMs - margin > now().getTime()) return current.token;
    // Single flight: concurrent callers share one login.
    pending ??= login().finally(() => (pending = undefined));
    return pending;
  }

  async function authorizedFetch(
    url: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
    retried = false,
  ): Promise<Response> {
    const { access_token, token_type } = await token();
    const method = init.method ?? "GET";
    const headers: Record<string, string> = {
      ...init.headers,
      authorization: `${token_type} ${access_token}`,
    };
    if (token_type === "DPoP" && credential.kind === "delegation") {
      headers.dpop = createDpopProof({
        privateKey: credential.sessionKey.privateKey,
        htm: method,
        // The auth-api checks htu against its issuer URL, which may differ from where it is reached.
        htu: (url.startsWith(`${base}/`) ? `${await issuerUrl()}${url.slice(base.length)}` : url).split(
          "?",
        )[0]!,
        now: now(),
        accessToken: access_token,
      });
    }
    if (init.body !== undefined) headers["content-type"] = "application/json";
    const response = await send(url, {
      method,
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    // A token ended early (revoked, narrowed, key rotated): log in once more, then give up.
    if (response.status === 401 && !retried) {
      current = undefined;
      return authorizedFetch(url, init, true);
    }
    return response;
  }

  return {
    token,
    fetch: (url, init) => authorizedFetch(url, init),
    signedFetch,
    reset: () => (current = undefined),
  };
}
