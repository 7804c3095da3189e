import { createSessionKey, exportSessionKey, importSessionKey, type SessionKey } from "@sigil/client/node";
import { readFile, writeFile } from "node:fs/promises";

/** `sigil session-key create [--type ed25519|secp256k1] --out FILE`: a bot key, written 0600. */
export async function sessionKeyCreate(p: { type: string | undefined; out: string }): Promise<void> {
  if (p.type !== undefined && p.type !== "ed25519" && p.type !== "secp256k1") {
    throw new Error("--type must be ed25519 or secp256k1");
  }
  const key = createSessionKey(p.type ?? "ed25519");
  // "wx": never overwrite a key a delegation may already name.
  await writeFile(p.out, exportSessionKey(key), { mode: 0o600, flag: "wx" });
  console.log(JSON.stringify({ file: p.out, jkt: key.jkt, publicJwk: key.publicJwk }, null, 2));
}

/** The session key kept in `file` (PKCS#8 PEM). */
export async function readSessionKey(file: string): Promise<SessionKey> {
  return importSessionKey(await readFile(file, "utf8"));
}
