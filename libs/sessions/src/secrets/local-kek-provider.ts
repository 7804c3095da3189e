import {
  KeyEncryptionKeyProvider,
  SecretUnsealableError,
  type UnwrapDataKeyParameters,
  type WrapDataKeyParameters,
  type WrappedDataKey,
} from "@sigil/core";
import { createHmac } from "node:crypto";
import { open, seal } from "./envelope.js";

/** Parameters of {@link LocalKekProvider}. */
export interface LocalKekProviderParameters {
  /** The KEK new wraps use (32 bytes). */
  current: Uint8Array;
  /** Former KEKs still accepted for unwrapping while `sigil kek rewrap` moves data keys off them. */
  previous?: readonly Uint8Array[];
}

/** The public id of a local KEK: a keyed fingerprint, so it names the key without revealing it. */
export function localKekId(kek: Uint8Array): string {
  return `local:${createHmac("sha256", kek).update("sigil kek id v1").digest("hex").slice(0, 16)}`;
}

/** {@link KeyEncryptionKeyProvider} over AES-256-GCM keys held in memory (from env or a file). */
export class LocalKekProvider extends KeyEncryptionKeyProvider {
  readonly currentKekId: string;
  private readonly keks = new Map<string, Uint8Array>();

  constructor({ current, previous = [] }: LocalKekProviderParameters) {
    super();
    for (const kek of [current, ...previous]) {
      if (kek.length !== 32) throw new RangeError("a key-encryption key must be 32 bytes");
      this.keks.set(localKekId(kek), kek);
    }
    this.currentKekId = localKekId(current);
  }

  /** Ids of every KEK this provider can unwrap with (current first). */
  get kekIds(): string[] {
    return [...this.keks.keys()];
  }

  async wrap({ dataKey, context }: WrapDataKeyParameters): Promise<WrappedDataKey> {
    const kek = this.keks.get(this.currentKekId)!;
    return {
      kekId: this.currentKekId,
      wrapped: seal({ kek, plaintext: dataKey, context: `dek:${context}` }),
    };
  }

  async unwrap({ wrapped, context }: UnwrapDataKeyParameters): Promise<Uint8Array> {
    const kek = this.keks.get(wrapped.kekId);
    if (!kek) {
      throw new SecretUnsealableError(`data key wrapped under an unknown KEK ${wrapped.kekId}`, {
        details: { kekId: wrapped.kekId },
      });
    }
    return open({ kek, sealed: wrapped.wrapped, context: `dek:${context}` });
  }
}
