// Hand-made JWTs for the token attacks of SECURITY-TESTS B1-B3, built with node:crypto only.
import { LocalKekProvider, SecretBox } from "@sigil/sessions";
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as cryptoSign,
} from "node:crypto";
import type { DataSource } from "typeorm";

/** The service's own signing key, unsealed from the database with the test app's KEK. */
export interface ServiceKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Reads and opens the active signing key, so tests can sign tokens that differ from Sigil's in one
 * claim or header only: the refusal then proves the claim check, not the signature check.
 */
export async function serviceSigningKey(dataSource: DataSource, kekBase64: string): Promise<ServiceKey> {
  const [row]: { kid: string; private_key_encrypted: Buffer; wrapped_data_key: Buffer; kek_id: string }[] =
    await dataSource.query(
      `SELECT kid, private_key_encrypted, wrapped_data_key, kek_id FROM signing_keys
        WHERE retired_at IS NULL AND activated_at <= now() AND private_key_encrypted IS NOT NULL
        ORDER BY activated_at DESC LIMIT 1`,
    );
  if (!row) throw new Error("no active signing key in the database");
  const box = new SecretBox(new LocalKekProvider({ current: Buffer.from(kekBase64, "base64") }));
  const der = await box.open({
    sealed: { kekId: row.kek_id, wrappedKey: row.wrapped_data_key, ciphertext: row.private_key_encrypted },
    context: row.kid,
  });
  const privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  return { kid: row.kid, privateKey, publicKey: createPublicKey(privateKey) };
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The decoded header or payload (part 0 or 1) of a compact JWS. */
export function decodePart(token: string, part: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[part]!, "base64url").toString("utf8"));
}

/** `header.payload.signature`, with the signature computed by `signer` over `header.payload`. */
export function forge(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signer: (input: Buffer) => Buffer,
): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${signer(Buffer.from(input)).toString("base64url")}`;
}

/** An ES256 (P-256, IEEE P1363 r‖s) signer. */
export const es256 = (privateKey: KeyObject) => (input: Buffer) =>
  cryptoSign("sha256", input, { key: privateKey, dsaEncoding: "ieee-p1363" });

/** An HS256 signer keyed with `secret` (the alg-confusion attack uses the public key here). */
export const hs256 = (secret: string | Buffer) => (input: Buffer) =>
  createHmac("sha256", secret).update(input).digest();

/** Seconds since the epoch. */
export const epoch = (date: Date = new Date()) => Math.floor(date.getTime() / 1000);
