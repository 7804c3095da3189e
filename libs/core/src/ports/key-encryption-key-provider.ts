/** A data key wrapped (encrypted) under a key-encryption key, and which KEK that was. */
export interface WrappedDataKey {
  /** Identifies the KEK (a local key's fingerprint, or an external KMS key name and version). */
  kekId: string;
  wrapped: Uint8Array;
}

/** Parameters of {@link KeyEncryptionKeyProvider.wrap}. */
export interface WrapDataKeyParameters {
  dataKey: Uint8Array;
  /** Authenticated context (e.g. the row's id): a wrapped key moved to another row fails to unwrap. */
  context: string;
}

/** Parameters of {@link KeyEncryptionKeyProvider.unwrap}. */
export interface UnwrapDataKeyParameters {
  wrapped: WrappedDataKey;
  context: string;
}

/**
 * Port: the key-encryption key (KEK) that wraps per-secret data keys. The local implementation
 * holds AES-256 keys from the environment or a file; an external KMS implements the same port.
 */
export abstract class KeyEncryptionKeyProvider {
  /** The KEK that new wraps use. */
  abstract readonly currentKekId: string;
  /** Wraps under the current KEK. */
  abstract wrap(parameters: WrapDataKeyParameters): Promise<WrappedDataKey>;
  /** Unwraps with whichever known KEK `wrapped.kekId` names; throws when unknown or tampered. */
  abstract unwrap(parameters: UnwrapDataKeyParameters): Promise<Uint8Array>;
}
