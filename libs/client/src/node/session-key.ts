import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { publicJwkThumbprint } from "@sigil/sessions";

/** A bot's session key: it signs DPoP proofs; the owner's delegation names its thumbprint. */
export interface SessionKey {
  privateKey: KeyObject;
  /** Public JWK, sent when registering the delegation. */
  publicJwk: Record<string, string>;
  /** RFC 7638 thumbprint: the tokens' `cnf.jkt`. */
  jkt: string;
}

/** A fresh session key: Ed25519 (default) or secp256k1. */
export function createSessionKey(kind: "ed25519" | "secp256k1" = "ed25519"): SessionKey {
  const { privateKey } =
    kind === "ed25519"
      ? generateKeyPairSync("ed25519")
      : generateKeyPairSync("ec", { namedCurve: "secp256k1" });
  return sessionKeyOf(privateKey);
}

/** The session key of a PKCS#8 PEM (as {@link exportSessionKey} writes it). */
export function importSessionKey(pem: string): SessionKey {
  return sessionKeyOf(createPrivateKey(pem));
}

/** PKCS#8 PEM of the private key, to keep in a file only the bot can read. */
export function exportSessionKey(key: SessionKey): string {
  return key.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

function sessionKeyOf(privateKey: KeyObject): SessionKey {
  const publicJwk = createPublicKey(privateKey).export({ format: "jwk" }) as Record<string, string>;
  return { privateKey, publicJwk, jkt: publicJwkThumbprint(publicJwk) };
}
