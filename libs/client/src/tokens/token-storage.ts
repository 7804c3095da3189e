/** What the SDK keeps of a session. `expiresAt` is the access token's expiry, epoch milliseconds. */
export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  scope: string[];
  sessionId: string;
  /** CAIP-10 subject: `eip155:<chainId>:<address>`. */
  sub: string;
}

/**
 * Where tokens live. Memory by default (nothing survives a reload, nothing for XSS to read later);
 * plug in {@link webStorage} or your own (IndexedDB, a native keychain) to keep sessions.
 */
export interface TokenStorage {
  get(): StoredTokens | undefined | Promise<StoredTokens | undefined>;
  set(tokens: StoredTokens): void | Promise<void>;
  clear(): void | Promise<void>;
}

/** Tokens in a variable: the default. */
export function memoryStorage(): TokenStorage {
  let tokens: StoredTokens | undefined;
  return {
    get: () => tokens,
    set: (next) => {
      tokens = next;
    },
    clear: () => {
      tokens = undefined;
    },
  };
}

/** The subset of the Web Storage API {@link webStorage} uses (`sessionStorage`, `localStorage`). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Tokens under one key of `sessionStorage`/`localStorage`; a corrupt entry reads as no session. */
export function webStorage(storage: WebStorageLike, key = "sigil.tokens"): TokenStorage {
  return {
    get: () => {
      const text = storage.getItem(key);
      if (text === null) return undefined;
      try {
        return JSON.parse(text) as StoredTokens;
      } catch {
        return undefined;
      }
    },
    set: (tokens) => storage.setItem(key, JSON.stringify(tokens)),
    clear: () => storage.removeItem(key),
  };
}
