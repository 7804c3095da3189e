import type { KeyEncryptionKeyProvider } from "@sigil/core";
import { randomBytes } from "node:crypto";
import { open, seal } from "./envelope.js";

const DATA_KEY_BYTES = 32;

/** A secret under envelope encryption: its own data key, wrapped by a KEK; store all three fields. */
export interface SealedSecret {
  /** Which KEK wrapped `wrappedKey` (lets a re-wrap find rows still on an old KEK). */
  kekId: string;
  /** The per-secret AES-256 data key, encrypted under the KEK. */
  wrappedKey: Buffer;
  /** The secret, AES-256-GCM under the data key. */
  ciphertext: Buffer;
}

/** Parameters of {@link SecretBox.seal}. */
export interface SealSecretParameters {
  plaintext: Uint8Array;
  /** Binds ciphertext and wrapped key to their row (e.g. a kid or API key id). */
  context: string;
}

/** Parameters of {@link SecretBox.open} and {@link SecretBox.rewrap}. */
export interface OpenSecretParameters {
  sealed: SealedSecret;
  context: string;
}

/**
 * Envelope encryption for secrets at rest (signing keys, API-key HMAC secrets): a fresh data key
 * per secret, wrapped by the {@link KeyEncryptionKeyProvider}. Re-wrapping never touches the ciphertext.
 */
export class SecretBox {
  constructor(private readonly kek: KeyEncryptionKeyProvider) {}

  /** The KEK new secrets are wrapped under. */
  get currentKekId(): string {
    return this.kek.currentKekId;
  }

  async seal({ plaintext, context }: SealSecretParameters): Promise<SealedSecret> {
    const dataKey = randomBytes(DATA_KEY_BYTES);
    try {
      const ciphertext = seal({ kek: dataKey, plaintext, context });
      const { kekId, wrapped } = await this.kek.wrap({ dataKey, context });
      return { kekId, wrappedKey: Buffer.from(wrapped), ciphertext };
    } finally {
      dataKey.fill(0);
    }
  }

  async open({ sealed, context }: OpenSecretParameters): Promise<Buffer> {
    const dataKey = await this.unwrap(sealed, context);
    try {
      return open({ kek: dataKey, sealed: sealed.ciphertext, context });
    } finally {
      dataKey.fill(0);
    }
  }

  /** The same secret with its data key wrapped under the current KEK (unchanged if it already is). */
  async rewrap({ sealed, context }: OpenSecretParameters): Promise<SealedSecret> {
    if (sealed.kekId === this.kek.currentKekId) return sealed;
    const dataKey = await this.unwrap(sealed, context);
    try {
      // Prove the data key still opens the ciphertext before the old wrap is replaced.
      open({ kek: dataKey, sealed: sealed.ciphertext, context }).fill(0);
      const { kekId, wrapped } = await this.kek.wrap({ dataKey, context });
      return { kekId, wrappedKey: Buffer.from(wrapped), ciphertext: sealed.ciphertext };
    } finally {
      dataKey.fill(0);
    }
  }

  private async unwrap(sealed: SealedSecret, context: string): Promise<Buffer> {
    const dataKey = await this.kek.unwrap({
      wrapped: { kekId: sealed.kekId, wrapped: sealed.wrappedKey },
      context,
    });
    return Buffer.from(dataKey.buffer, dataKey.byteOffset, dataKey.byteLength);
  }
}
