import { createPublicKey } from "node:crypto";
import { ownerSignIn, ownerWallet, sigilUrl } from "./delegate.js";
import { readSessionKey } from "./session-key.js";

export interface ApiKeyParameters {
  action: string | undefined;
  id: string | undefined;
  url: string | undefined;
  walletKey: string | undefined;
  devAccount: string | undefined;
  chainId: number;
  scopes: string[];
  expiresInSeconds: number;
  /** Ed25519 keys: the bot's key file (only its public half is sent). */
  keyFile: string | undefined;
  overlapSeconds: number | undefined;
  maxRequestsPerMinute: number | undefined;
  allowedClients: string[] | undefined;
}

/** `sigil api-key create|rotate <id>|revoke <id>|list`: the owner's exchange-style API keys. */
export async function apiKey(p: ApiKeyParameters): Promise<void> {
  const owner = await ownerSignIn({ url: sigilUrl(p.url), wallet: ownerWallet(p), chainId: p.chainId });
  const publicKey = p.keyFile ? await ed25519Raw(p.keyFile) : undefined;
  switch (p.action) {
    case "create": {
      if (p.scopes.length === 0) throw new Error("name at least one --scope");
      const created = await owner.createApiKey({
        alg: publicKey ? "ed25519" : "hmac-sha256",
        ...(publicKey ? { publicKey } : {}),
        scopes: p.scopes,
        expiresAt: Math.floor(Date.now() / 1000) + p.expiresInSeconds,
        ...(p.maxRequestsPerMinute === undefined ? {} : { maxRequestsPerMinute: p.maxRequestsPerMinute }),
        ...(p.allowedClients === undefined ? {} : { allowedClients: p.allowedClients }),
      });
      console.log(JSON.stringify(created, null, 2));
      if (created.secret) console.error("keep the secret now: Sigil shows it only once");
      return;
    }
    case "rotate":
      if (!p.id) throw new Error("usage: sigil api-key rotate <id> [--overlap SECONDS]");
      console.log(
        JSON.stringify(
          await owner.rotateApiKey(p.id, {
            ...(p.overlapSeconds === undefined ? {} : { overlapSeconds: p.overlapSeconds }),
            ...(publicKey ? { publicKey } : {}),
          }),
          null,
          2,
        ),
      );
      return;
    case "revoke":
      if (!p.id) throw new Error("usage: sigil api-key revoke <id>");
      await owner.revokeApiKey(p.id);
      console.log(`revoked ${p.id}`);
      return;
    default:
      throw new Error("usage: sigil api-key create|rotate <id>|revoke <id>");
  }
}

/** The raw Ed25519 public key (base64url) of a session-key file. */
async function ed25519Raw(file: string): Promise<string> {
  const key = await readSessionKey(file);
  const jwk = createPublicKey(key.privateKey).export({ format: "jwk" });
  if (jwk.crv !== "Ed25519" || typeof jwk.x !== "string")
    throw new Error("API keys sign with Ed25519 keys only");
  return jwk.x;
}
