/** `POST /v1/auth/challenge` answer: the SIWE message to sign verbatim. */
export interface Challenge {
  nonce: string;
  message: string;
  expiresAt: string;
}

/** `GET /v1/auth/nonce` answer: a single-use nonce for a message the client builds. */
export interface Nonce {
  nonce: string;
  /** ISO 8601; the message's Expiration Time should not be later. */
  expiresAt: string;
}

/** One source behind a granted scope: the policy's source id, its contract and the block read. */
export interface ScopeSource {
  source: string;
  kind: string;
  chainId: number;
  address: string;
  /** Decimal. */
  blockNumber: string;
  blockHash: string;
}

/** Per granted scope: the policy rule that grants it and the sources it held on. */
export type ScopeSources = Record<string, { rule: string; sources: ScopeSource[] }>;

/** `GET /v1/me`: who the token speaks for, and the block its roles were read at. */
export interface Me {
  sub: string;
  address: string;
  chainId: number;
  scope: string[];
  roles: string[];
  sessionId: string;
  rolesCheckedAt: { chainId: number; blockNumber: string; blockHash: string } | null;
  /** Each live scope's rule and sources; null for a grant recorded before sources were. */
  scopeSources: ScopeSources | null;
}

/** One of the caller's live sessions (`GET /v1/sessions`). */
export interface SessionSummary {
  id: string;
  current: boolean;
  walletKind: string;
  scope: string[];
  createdAt: string;
  lastUsedAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
  clientAddress: string | null;
  userAgent: string | null;
}

/** One issuance (`GET /v1/grants`): scopes requested and granted, and the on-chain evidence. */
export interface Grant {
  id: string;
  sessionId: string;
  subject: string;
  actor: string | null;
  method: string;
  /** Null when the sign-in asked for no particular scopes (all the roles allow). */
  scopesRequested: string[] | null;
  scopesGranted: string[];
  roles: unknown[];
  block: { chainId: number; number: string; hash: string };
  /** Each granted scope's rule and sources; null for a grant recorded before sources were. */
  scopeSources: ScopeSources | null;
  clientAddress: string | null;
  userAgent: string | null;
  issuedAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}
