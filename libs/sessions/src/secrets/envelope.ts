import { SecretUnsealableError } from "@sigil/core";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealParameters {
  /** 32-byte AES key (a data key, or a local key-encryption key wrapping one). */
  kek: Uint8Array;
  plaintext: Uint8Array;
  /** Authenticated context (e.g. the key id): a ciphertext moved to another row fails to open. */
  context: string;
}

/** AES-256-GCM: `version ‖ iv ‖ tag ‖ ciphertext`, with `context` as additional authenticated data. */
export function seal({ kek, plaintext, context }: SealParameters): Buffer {
  assertKek(kek);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", kek, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
}

export interface OpenParameters {
  kek: Uint8Array;
  sealed: Uint8Array;
  context: string;
}

/** Reverses {@link seal}; throws {@link SecretUnsealableError} when the key, context or any byte differs. */
export function open({ kek, sealed, context }: OpenParameters): Buffer {
  assertKek(kek);
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION)
    throw new SecretUnsealableError("sealed data is malformed");
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", kek, iv);
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch (cause) {
    throw new SecretUnsealableError("sealed data did not authenticate (wrong key, context or bytes)", {
      cause,
    });
  }
}

function assertKek(kek: Uint8Array): void {
  if (kek.length !== 32) throw new RangeError("the key-encryption key must be 32 bytes");
}
