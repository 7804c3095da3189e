import { ClientErrorCodes, SigilClientError } from "../errors/sigil-client-error.js";
import type { Challenge, Grant, Me, Nonce, SessionSummary } from "../http/api-types.js";
import { requestJson } from "../http/request-json.js";
import type { TokenResponse } from "@sigil/core";
import { toStoredTokens } from "../tokens/token-response.js";
import { memoryStorage, type StoredTokens, type TokenStorage } from "../tokens/token-storage.js";
import { toWalletError } from "../wallet/wallet-error.js";
import {
  type Eip1193Provider,
  providerSigner,
  type WalletClientLike,
  walletClientSigner,
  type WalletSigner,
} from "../wallet/wallet-signer.js";

/** Options of {@link createSigilClient}. */
export interface SigilClientOptions {
  /** Sigil's base URL, e.g. `https://auth.venue.example` (no trailing path). */
  baseUrl: string;
  /** Defaults to the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Defaults to {@link memoryStorage}. */
  storage?: TokenStorage;
  /** Refresh this many seconds before the access token expires (default 60). */
  refreshLeewaySeconds?: number;
  /** Refresh on a timer before expiry (default true); otherwise only when a call needs a token. */
  autoRefresh?: boolean;
  /** Clock, epoch milliseconds (tests). */
  now?: () => number;
}

/** Parameters of {@link SigilClient.signIn}: one wallet, either kind. */
export interface SignInParameters {
  /** An EIP-1193 provider (`window.ethereum`, EIP-6963, WalletConnect). */
  provider?: Eip1193Provider;
  /** Or a viem wallet client. */
  walletClient?: WalletClientLike;
  /** Defaults to the wallet's first account. For a smart wallet, the wallet contract's address. */
  address?: string;
  /** Chain to sign in on; the wallet must be on it (else `wrong_chain`). Defaults to the wallet's. */
  chainId?: number;
  /** Scopes to request; Sigil grants those the wallet's on-chain roles allow. Omit for all. */
  scope?: string[];
}

/** A SIWE message signed elsewhere (a wallet kit's flow), ready for `POST /v1/auth/login`. */
export interface SignedMessage {
  /** The EIP-4361 message exactly as signed. */
  message: string;
  /** 0x-prefixed signature: 65-byte ECDSA, EIP-1271 or ERC-6492. */
  signature: string;
}

/** Signs in with a wallet, keeps and refreshes the tokens, and authenticates calls. */
export interface SigilClient {
  /** Challenge → wallet signature → login. Resolves with the stored session. */
  signIn(parameters: SignInParameters): Promise<StoredTokens>;
  /** A fresh single-use nonce (`GET /v1/auth/nonce`), for a message the caller builds itself. */
  nonce(): Promise<Nonce>;
  /** Logs in with a message the caller built and had signed; stores the session like {@link signIn}. */
  signInWithMessage(signed: SignedMessage): Promise<StoredTokens>;
  /** The current session, if any (possibly expired: see {@link SigilClient.getAccessToken}). */
  session(): Promise<StoredTokens | undefined>;
  /** A live access token, refreshed first when it expires within the leeway. */
  getAccessToken(): Promise<string>;
  /** Rotates the tokens now; concurrent calls share one request. A refused refresh signs out. */
  refresh(): Promise<StoredTokens>;
  /** `fetch` with the Bearer token; on a 401 it refreshes once and retries once. */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  me(): Promise<Me>;
  sessions(): Promise<SessionSummary[]>;
  revokeSession(id: string): Promise<void>;
  grants(): Promise<Grant[]>;
  /** Ends the session at Sigil (best effort) and forgets the tokens. */
  signOut(): Promise<void>;
  /** Called with the new session, or undefined when it ends. Returns the unsubscribe function. */
  onChange(listener: (tokens: StoredTokens | undefined) => void): () => void;
  /** Stops the refresh timer. */
  dispose(): void;
}

/** Creates a {@link SigilClient}. Framework-free; works in browsers and Node 18+. */
export function createSigilClient(options: SigilClientOptions): SigilClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const storage = options.storage ?? memoryStorage();
  const leewayMs = (options.refreshLeewaySeconds ?? 60) * 1000;
  const now = options.now ?? Date.now;
  const listeners = new Set<(tokens: StoredTokens | undefined) => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<StoredTokens> | undefined;

  const url = (path: string) => `${baseUrl}${path}`;
  const stopTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const schedule = (tokens: StoredTokens) => {
    stopTimer();
    if (options.autoRefresh === false) return;
    timer = setTimeout(
      () => void refresh().catch(() => undefined),
      Math.max(0, tokens.expiresAt - leewayMs - now()),
    );
    // In Node, a pending refresh must not keep the process alive.
    (timer as { unref?: () => void }).unref?.();
  };
  const store = async (tokens: StoredTokens) => {
    await storage.set(tokens);
    schedule(tokens);
    for (const listener of listeners) listener(tokens);
    return tokens;
  };
  const forget = async () => {
    stopTimer();
    await storage.clear();
    for (const listener of listeners) listener(undefined);
  };
  const current = async () => {
    const tokens = await storage.get();
    if (!tokens) throw new SigilClientError(ClientErrorCodes.notSignedIn, "not signed in");
    return tokens;
  };

  const refresh = (): Promise<StoredTokens> => {
    inFlight ??= (async () => {
      const { refreshToken } = await current();
      try {
        const response = await requestJson<TokenResponse>({
          fetch,
          url: url("/v1/auth/refresh"),
          method: "POST",
          body: { refresh_token: refreshToken },
        });
        return await store(toStoredTokens(response, now()));
      } catch (error) {
        // A refused refresh (revoked, expired, reused) ends the session; an outage keeps it.
        if (error instanceof SigilClientError && error.status !== undefined && error.status < 500)
          await forget();
        throw error;
      }
    })().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const getAccessToken = async () => {
    const tokens = await current();
    return tokens.expiresAt - leewayMs <= now() ? (await refresh()).accessToken : tokens.accessToken;
  };

  /** A Sigil API call with the token, refreshed and retried once on a 401. */
  const authed = async <T>(path: string, method: "GET" | "DELETE" = "GET"): Promise<T> => {
    const call = (accessToken: string) => requestJson<T>({ fetch, url: url(path), method, accessToken });
    try {
      return await call(await getAccessToken());
    } catch (error) {
      if (!(error instanceof SigilClientError) || error.status !== 401) throw error;
      return call((await refresh()).accessToken);
    }
  };

  const signIn = async ({ provider, walletClient, address, chainId, scope }: SignInParameters) => {
    const signer: WalletSigner | undefined = provider
      ? providerSigner(provider)
      : walletClient
        ? walletClientSigner(walletClient)
        : undefined;
    if (!signer)
      throw new SigilClientError(
        ClientErrorCodes.walletUnavailable,
        "no wallet: pass a provider or walletClient",
      );
    let account: string;
    let walletChainId: number;
    try {
      account = address ?? (await signer.address());
      walletChainId = await signer.chainId();
    } catch (error) {
      throw toWalletError(error);
    }
    const wanted = chainId ?? walletChainId;
    if (walletChainId !== wanted) {
      throw new SigilClientError(
        ClientErrorCodes.wrongChain,
        `the wallet is on chain ${walletChainId}; switch it to chain ${wanted}`,
      );
    }
    const challenge = await requestJson<Challenge>({
      fetch,
      url: url("/v1/auth/challenge"),
      method: "POST",
      body: { address: account, chainId: wanted, ...(scope ? { scope } : {}) },
    });
    let signature: string;
    try {
      signature = await signer.signMessage(challenge.message, account);
    } catch (error) {
      throw toWalletError(error);
    }
    return signInWithMessage({ message: challenge.message, signature });
  };

  const signInWithMessage = async ({ message, signature }: SignedMessage) => {
    const response = await requestJson<TokenResponse>({
      fetch,
      url: url("/v1/auth/login"),
      method: "POST",
      body: { message, signature },
    });
    return store(toStoredTokens(response, now()));
  };

  return {
    signIn,
    nonce: () => requestJson<Nonce>({ fetch, url: url("/v1/auth/nonce") }),
    signInWithMessage,
    session: async () => storage.get(),
    getAccessToken,
    refresh,
    fetch: async (input, init = {}) => {
      const send = (accessToken: string) => {
        const headers = new Headers(init.headers);
        headers.set("authorization", `Bearer ${accessToken}`);
        return fetch(input, { ...init, headers });
      };
      const response = await send(await getAccessToken());
      if (response.status !== 401) return response;
      try {
        return await send((await refresh()).accessToken);
      } catch {
        // The session cannot be renewed: hand back the resource server's own refusal.
        return response;
      }
    },
    me: () => authed<Me>("/v1/me"),
    sessions: async () => (await authed<{ sessions: SessionSummary[] }>("/v1/sessions")).sessions,
    revokeSession: (id) => authed<void>(`/v1/sessions/${encodeURIComponent(id)}`, "DELETE"),
    grants: async () => (await authed<{ grants: Grant[] }>("/v1/grants")).grants,
    signOut: async () => {
      const tokens = await storage.get();
      try {
        if (tokens) {
          await requestJson<void>({
            fetch,
            url: url("/v1/auth/logout"),
            method: "POST",
            accessToken: tokens.accessToken,
          });
        }
      } catch {
        // Already ended or unreachable: the local session is forgotten either way.
      } finally {
        await forget();
      }
    },
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: stopTimer,
  };
}
