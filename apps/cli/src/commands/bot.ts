import { type BotClient, createBotClient } from "@sigil/client/node";
import { createPrivateKey } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { apiKey } from "./api-key.js";
import { delegate, delegationAdmin, sigilUrl } from "./delegate.js";
import { readSessionKey, sessionKeyCreate } from "./session-key.js";

/** Commands of issue 5 (bots); `main.ts` hands them their arguments. */
export const BOT_COMMANDS = ["session-key", "delegate", "bot", "api-key"] as const;

export const BOT_USAGE = `
  sigil session-key create --out FILE [--type ed25519|secp256k1]
                                 a bot's session key (PKCS#8 PEM, mode 0600); prints its jkt
  sigil delegate --key FILE --scope S [--scope S…] [--expires SECONDS] (--wallet-key 0x… | --dev-account N)
                                 the owner signs in, signs an EIP-712 delegation to the key, registers it
  sigil delegate list|revoke <id> (--wallet-key 0x… | --dev-account N)
  sigil bot login --delegation ID --key FILE      a DPoP-bound token for the bot (prints it)
  sigil bot call METHOD URL [--data JSON] (--delegation ID --key FILE | --api-key ID (--secret S | --key FILE))
                                 one call with the bot's token (DPoP proof or Bearer), prints status and body
  sigil bot sign METHOD PATH [--data JSON] --api-key ID (--secret S | --key FILE)
                                 one signed request (X-Sigil-*) to the auth-api
  sigil api-key create --scope S… [--key FILE (Ed25519)] [--expires SECONDS] (--wallet-key 0x… | --dev-account N)
  sigil api-key rotate <id> [--overlap SECONDS] | revoke <id>   (same owner options)
                                 all take --url (default SIGIL_URL or http://127.0.0.1:3000) and --chain-id (31337)
`;

/** Runs one of {@link BOT_COMMANDS}. */
export async function runBotCommand(argv: string[]): Promise<void> {
  const { positionals, values: v } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      issuer: { type: "string" },
      "chain-id": { type: "string" },
      "wallet-key": { type: "string" },
      "dev-account": { type: "string" },
      key: { type: "string" },
      out: { type: "string" },
      type: { type: "string" },
      scope: { type: "string", multiple: true },
      expires: { type: "string" },
      "max-rpm": { type: "string" },
      "allow-client": { type: "string", multiple: true },
      delegation: { type: "string" },
      "api-key": { type: "string" },
      secret: { type: "string" },
      overlap: { type: "string" },
      data: { type: "string" },
    },
  });
  const [command, action, ...rest] = positionals;
  const owner = {
    url: v.url,
    walletKey: v["wallet-key"],
    devAccount: v["dev-account"],
    chainId: Number(v["chain-id"] ?? 31337),
  };
  const optionalNumber = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  switch (command) {
    case "session-key":
      if (action !== "create" || !v.out) throw new Error("usage: sigil session-key create --out FILE");
      return sessionKeyCreate({ type: v.type, out: v.out });
    case "delegate":
      if (action === "list" || action === "revoke") return delegationAdmin({ ...owner, action, id: rest[0] });
      if (!v.key) throw new Error("usage: sigil delegate --key FILE --scope S …");
      return delegate({
        ...owner,
        keyFile: v.key,
        scopes: v.scope ?? [],
        expiresInSeconds: Number(v.expires ?? 3600),
        ...(v["max-rpm"] === undefined ? {} : { maxRequestsPerMinute: Number(v["max-rpm"]) }),
        ...(v["allow-client"] === undefined ? {} : { allowedClients: v["allow-client"] }),
      });
    case "api-key":
      return apiKey({
        ...owner,
        action,
        id: rest[0],
        scopes: v.scope ?? [],
        expiresInSeconds: Number(v.expires ?? 86_400),
        keyFile: v.key,
        overlapSeconds: optionalNumber(v.overlap),
        maxRequestsPerMinute: optionalNumber(v["max-rpm"]),
        allowedClients: v["allow-client"],
      });
    case "bot": {
      const client = await botClient({
        url: v.url,
        issuer: v.issuer,
        delegation: v.delegation,
        apiKey: v["api-key"],
        secret: v.secret,
        key: v.key,
      });
      const data = v.data === undefined ? undefined : (JSON.parse(v.data) as unknown);
      if (action === "login") {
        console.log(JSON.stringify(await client.token(), null, 2));
        return;
      }
      const [method, target] = rest;
      if ((action !== "call" && action !== "sign") || !method || !target)
        throw new Error(`usage:${BOT_USAGE}`);
      const response =
        action === "call"
          ? await client.fetch(target, {
              method: method.toUpperCase(),
              ...(data === undefined ? {} : { body: data }),
            })
          : await client.signedFetch(target, {
              method: method.toUpperCase(),
              ...(data === undefined ? {} : { body: data }),
            });
      console.log(`${response.status} ${await response.text()}`);
      if (!response.ok) process.exitCode = 1;
      return;
    }
    default:
      throw new Error(`usage:${BOT_USAGE}`);
  }
}

async function botClient(p: {
  url: string | undefined;
  issuer: string | undefined;
  delegation: string | undefined;
  apiKey: string | undefined;
  secret: string | undefined;
  key: string | undefined;
}): Promise<BotClient> {
  const baseUrl = sigilUrl(p.url);
  if (p.delegation) {
    if (!p.key) throw new Error("--delegation needs --key FILE (the session key)");
    return createBotClient({
      baseUrl,
      ...(p.issuer ? { issuer: p.issuer } : {}),
      credential: { kind: "delegation", delegationId: p.delegation, sessionKey: await readSessionKey(p.key) },
    });
  }
  if (!p.apiKey) throw new Error("name the bot's credential: --delegation ID --key FILE, or --api-key ID");
  const signer = p.secret
    ? ({ alg: "hmac-sha256", secret: p.secret } as const)
    : p.key
      ? ({ alg: "ed25519", privateKey: createPrivateKey(await readFile(p.key, "utf8")) } as const)
      : undefined;
  if (!signer) throw new Error("--api-key needs --secret S (HMAC) or --key FILE (Ed25519)");
  return createBotClient({ baseUrl, credential: { kind: "api-key", keyId: p.apiKey, signer } });
}
