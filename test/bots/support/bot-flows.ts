import type { INestApplication } from "@nestjs/common";
import { delegationTypedData } from "@sigil/core";
import { createDpopProof, publicJwkThumbprint } from "@sigil/sessions";
import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import request from "supertest";
import type { Hex, LocalAccount } from "viem";

/** A bot's session key (never the owner's wallet key). */
export interface SessionKey {
  privateKey: KeyObject;
  jwk: Record<string, string>;
  jkt: string;
}

/** A fresh session key: Ed25519 or secp256k1 (the two a bot may use), or P-256. */
export function createSessionKey(kind: "ed25519" | "secp256k1" | "p256" = "ed25519"): SessionKey {
  const { privateKey } =
    kind === "ed25519"
      ? generateKeyPairSync("ed25519")
      : generateKeyPairSync("ec", { namedCurve: kind === "p256" ? "P-256" : "secp256k1" });
  const jwk = createPublicKey(privateKey).export({ format: "jwk" }) as Record<string, string>;
  return { privateKey, jwk, jkt: publicJwkThumbprint(jwk) };
}

export interface DelegationTerms {
  scopes: string[];
  expiresAt: number;
  maxRequestsPerMinute?: number;
  allowedClients?: string[];
  nonce?: Hex;
}

/** The owner's wallet signs the EIP-712 delegation of `terms` to `key`; returns the request body. */
export async function signDelegation(p: {
  owner: LocalAccount;
  key: SessionKey;
  terms: DelegationTerms;
  chainId?: number;
}) {
  const nonce = p.terms.nonce ?? (`0x${randomBytes(32).toString("hex")}` as Hex);
  const message = {
    owner: p.owner.address,
    delegateJkt: p.key.jkt,
    scopes: p.terms.scopes,
    expiresAt: BigInt(p.terms.expiresAt),
    maxRequestsPerMinute: p.terms.maxRequestsPerMinute ?? 0,
    allowedClients: p.terms.allowedClients ?? [],
    nonce,
  };
  const signature = await p.owner.signTypedData(
    delegationTypedData({ chainId: p.chainId ?? 31337, message }),
  );
  return {
    delegateJwk: p.key.jwk,
    scopes: p.terms.scopes,
    expiresAt: p.terms.expiresAt,
    maxRequestsPerMinute: message.maxRequestsPerMinute,
    allowedClients: message.allowedClients,
    nonce,
    signature,
  };
}

/** A DPoP proof for `method url` by `key`, optionally naming `accessToken`. */
export function proof(p: { key: SessionKey; method: string; url: string; accessToken?: string; now?: Date }) {
  return createDpopProof({
    privateKey: p.key.privateKey,
    htm: p.method,
    htu: p.url,
    now: p.now ?? new Date(),
    ...(p.accessToken === undefined ? {} : { accessToken: p.accessToken }),
  });
}

/** The bot's login at the auth-api (issuer `issuer`): a DPoP proof of the key buys a token. */
export function botLogin(p: {
  app: INestApplication;
  issuer: string;
  delegationId: string;
  key: SessionKey;
  scope?: string[];
}) {
  const path = `/v1/delegations/${p.delegationId}/token`;
  return request(p.app.getHttpServer())
    .post(path)
    .set("DPoP", proof({ key: p.key, method: "POST", url: `${p.issuer}${path}` }))
    .send(p.scope ? { scope: p.scope } : {});
}

/** Seconds since the epoch, `seconds` from now. */
export const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;
