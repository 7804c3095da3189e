// Sign-in flows as a wallet frontend runs them, and SIWE messages built by hand for negative tests.
import { createSiweMessage, type SiweMessageFields } from "@sigil/siwe";
import type { Response } from "supertest";
import type { Address, Hex } from "viem";
import type { Api } from "./http.js";

/** The SIWE binding the test apps are configured with (see test/fixtures/sigil-app.ts). */
export const SIWE_DOMAIN = "sigil.test";
export const SIWE_URI = "http://sigil.test";
export const CHAIN_ID = 31337;

/** Anything that can `personal_sign`: a dev account, or a contract wallet's owner. */
export interface MessageSigner {
  signMessage(parameters: { message: string }): Promise<Hex>;
}

export interface Challenge {
  nonce: string;
  message: string;
  expiresAt: string;
}

/** `POST /v1/auth/challenge` for `address`; fails the test unless it answers 200. */
export async function challengeFor(
  api: Api,
  address: Address,
  options: { scope?: string[]; chainId?: number } = {},
): Promise<Challenge> {
  const response = await api.post("/v1/auth/challenge").send({
    address,
    chainId: options.chainId ?? CHAIN_ID,
    ...(options.scope ? { scope: options.scope } : {}),
  });
  expect(response.status).toBe(200);
  return response.body as Challenge;
}

/** A bare nonce from `GET /v1/auth/nonce`, for messages the client builds itself. */
export async function bareNonce(api: Api): Promise<string> {
  const response = await api.get("/v1/auth/nonce").expect(200);
  return (response.body as { nonce: string }).nonce;
}

/**
 * A canonical SIWE message for this deployment (domain, URI, chain, fresh Issued At); `fields`
 * override any of it, which is how negative tests change exactly one thing.
 */
export function siweMessage(
  fields: Partial<SiweMessageFields> & Pick<SiweMessageFields, "address" | "nonce">,
) {
  return createSiweMessage({
    domain: SIWE_DOMAIN,
    statement: "Sign in to Sigil",
    uri: SIWE_URI,
    version: "1",
    chainId: CHAIN_ID,
    issuedAt: new Date().toISOString(),
    ...fields,
  });
}

/** `POST /v1/auth/login`. */
export function login(api: Api, message: string, signature: Hex | string): Promise<Response> {
  return api.post("/v1/auth/login").send({ message, signature });
}

/** Token response of Sigil's login and refresh. */
export interface Tokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  scope: string;
  session_id: string;
  sub: string;
}

/**
 * Challenge → sign → login for `address` (an EOA, or a contract wallet whose owner signs), with
 * `wrap` applied to the signature (ERC-6492). Returns the raw login response.
 */
export async function signInFor(
  api: Api,
  p: { address: Address; signer: MessageSigner; scope?: string[]; wrap?: (signature: Hex) => Hex },
): Promise<Response> {
  const { message } = await challengeFor(api, p.address, p.scope ? { scope: p.scope } : {});
  const signature = await p.signer.signMessage({ message });
  return login(api, message, p.wrap ? p.wrap(signature) : signature);
}

/** Signs in an EOA and returns its tokens; fails the test unless login answers 200. */
export async function tokensFor(
  api: Api,
  account: MessageSigner & { address: Address },
  scope?: string[],
): Promise<Tokens> {
  const response = await signInFor(api, {
    address: account.address,
    signer: account,
    ...(scope ? { scope } : {}),
  });
  expect(response.status).toBe(200);
  return response.body as Tokens;
}

/** Asserts a Sigil error response: status, stable code, and nothing but `{error, message, requestId}`. */
export function expectError(response: Response, status: number, code: string): void {
  expect({ status: response.status, error: response.body?.error }).toEqual({ status, error: code });
  expect(Object.keys(response.body).sort()).toEqual(["error", "message", "requestId"]);
}
