import { SigningKeyEntity } from "../entities/signing-key.entity.js";
import {
  generateSigningKey,
  jwkThumbprint,
  type KeyRotationPolicy,
  planRotation,
  type RotationPlan,
  type SecretBox,
  type SigningKey,
  type SigningKeyTimeline,
  signingKeyFrom,
} from "@sigil/sessions";
import { InternalError } from "@sigil/core";
import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { recordAuditEvent } from "../statements/audit-events.js";

/** A stored key as the service and `sigil keys list` see it (never the private half). */
export interface StoredSigningKey extends SigningKeyTimeline {
  alg: string;
  publicJwk: JsonWebKey & { kid: string; alg: string; use: "sig" };
  kekId: string | null;
}

/** Result of {@link SigningKeyStore.rotate}: the new kid and the plan, or why nothing happened. */
export type RotationOutcome = { rotated: true; kid: string; plan: RotationPlan } | { rotated: false };

const LOCK = "SELECT pg_advisory_xact_lock(hashtext('sigil:signing-keys'))";

/**
 * Signing keys in Postgres. Rotation is decided under a transaction-scoped advisory lock, so with
 * several instances exactly one writes; the others see the result on their next poll.
 */
export class SigningKeyStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  /** Every key still published at `now` (or all keys, with `includeRetired`), newest first. */
  async list({
    now,
    includeRetired = false,
  }: {
    now: Date;
    includeRetired?: boolean;
  }): Promise<StoredSigningKey[]> {
    const query = this.dataSource.getRepository(SigningKeyEntity).createQueryBuilder("k");
    if (!includeRetired) query.where("k.retired_at IS NULL OR k.retired_at > :now", { now });
    const rows = await query.orderBy("k.activated_at", "DESC").getMany();
    return rows.map(toStored);
  }

  /** Creates a key when the schedule (or `force`) asks for it; see {@link planRotation}. */
  async rotate({
    now,
    policy,
    force = false,
  }: {
    now: Date;
    policy: KeyRotationPolicy;
    force?: boolean;
  }): Promise<RotationOutcome> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(LOCK);
      const rows = await manager.getRepository(SigningKeyEntity).find();
      const plan = planRotation({ keys: rows.map(toStored), now, policy, force });
      if (!plan) return { rotated: false };
      const kid = await this.insert(manager, { now, activatedAt: plan.activatedAt });
      for (const { kid: old, retiredAt } of plan.retire) {
        await manager.update(SigningKeyEntity, { kid: old }, { retiredAt });
      }
      // On the audit chain with the key rows themselves: who rotated is the schedule or an operator.
      await recordAuditEvent(manager, {
        type: "signing_key_rotated",
        outcome: "info",
        occurredAt: now,
        data: {
          kid,
          reason: plan.reason,
          activatesAt: plan.activatedAt.toISOString(),
          retiring: plan.retire.map(({ kid: old, retiredAt }) => ({
            kid: old,
            retiredAt: retiredAt.toISOString(),
          })),
        },
      });
      return { rotated: true, kid, plan };
    });
  }

  /** Drops the private half of keys that no longer sign (their successor is active). Returns how many. */
  async dropSupersededPrivateKeys(now: Date): Promise<number> {
    const result: unknown = await this.dataSource.query(
      `UPDATE signing_keys s SET private_key_encrypted = NULL, wrapped_data_key = NULL, kek_id = NULL
        WHERE s.private_key_encrypted IS NOT NULL AND s.retired_at IS NOT NULL
          AND EXISTS (SELECT 1 FROM signing_keys n WHERE n.activated_at > s.activated_at
            AND n.activated_at <= $1 AND n.private_key_encrypted IS NOT NULL)
        RETURNING s.kid`,
      [now],
    );
    return affectedRows(result);
  }

  /** Opens the private half of `kid`; undefined when it was dropped. */
  async openSigningKey(kid: string): Promise<SigningKey | undefined> {
    const row = await this.dataSource.getRepository(SigningKeyEntity).findOneBy({ kid });
    if (!row?.privateKeyEncrypted || !row.wrappedDataKey || !row.kekId) return undefined;
    const der = await this.box.open({
      sealed: { kekId: row.kekId, wrappedKey: row.wrappedDataKey, ciphertext: row.privateKeyEncrypted },
      context: row.kid,
    });
    try {
      const privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
      const key = signingKeyFrom({
        privateKey,
        publicKey: createPublicKey(privateKey),
        createdAt: row.createdAt,
      });
      if (key.kid !== row.kid)
        throw new InternalError(`signing key ${row.kid} does not match its thumbprint`);
      return key;
    } finally {
      der.fill(0);
    }
  }

  /** Re-wraps every data key not under the current KEK (KEK rotation); each row in its own update. */
  async rewrap(): Promise<{ rewrapped: number; kekId: string }> {
    const repository = this.dataSource.getRepository(SigningKeyEntity);
    const rows = await repository
      .createQueryBuilder("k")
      .where("k.kek_id IS NOT NULL AND k.kek_id <> :current", { current: this.box.currentKekId })
      .getMany();
    for (const row of rows) {
      const sealed = await this.box.rewrap({
        sealed: { kekId: row.kekId!, wrappedKey: row.wrappedDataKey!, ciphertext: row.privateKeyEncrypted! },
        context: row.kid,
      });
      // Only the wrap changes; the compare-and-set keeps a concurrent rewrap or drop intact.
      await repository.update(
        { kid: row.kid, kekId: row.kekId! },
        { kekId: sealed.kekId, wrappedDataKey: sealed.wrappedKey },
      );
    }
    if (rows.length > 0) {
      await recordAuditEvent(this.dataSource.manager, {
        type: "signing_keys_rewrapped",
        outcome: "info",
        occurredAt: new Date(),
        data: { kekId: this.box.currentKekId, kids: rows.map((row) => row.kid) },
      });
    }
    return { rewrapped: rows.length, kekId: this.box.currentKekId };
  }

  private async insert(
    manager: EntityManager,
    { now, activatedAt }: { now: Date; activatedAt: Date },
  ): Promise<string> {
    const key = generateSigningKey({ now });
    const der = key.privateKey.export({ format: "der", type: "pkcs8" });
    try {
      const sealed = await this.box.seal({ plaintext: der, context: key.kid });
      await manager.insert(SigningKeyEntity, {
        kid: key.kid,
        alg: key.alg,
        publicJwk: key.publicJwk as Record<string, string>,
        privateKeyEncrypted: sealed.ciphertext,
        wrappedDataKey: sealed.wrappedKey,
        kekId: sealed.kekId,
        createdAt: now,
        activatedAt,
        retiredAt: null,
      });
    } finally {
      der.fill(0);
    }
    return key.kid;
  }
}

/** The public key of a stored JWK, checked against its kid (a tampered row is refused). */
export function publicKeyOf(key: StoredSigningKey): KeyObject {
  const { kty, crv, x, y } = key.publicJwk;
  if (jwkThumbprint({ kty, crv, x, y }) !== key.kid) {
    throw new InternalError(`signing key ${key.kid}: public JWK does not match its kid`);
  }
  return createPublicKey({ key: { kty, crv, x, y }, format: "jwk" });
}

function toStored(row: SigningKeyEntity): StoredSigningKey {
  return {
    kid: row.kid,
    alg: row.alg,
    publicJwk: row.publicJwk as StoredSigningKey["publicJwk"],
    kekId: row.kekId,
    createdAt: row.createdAt,
    activatedAt: row.activatedAt,
    retiredAt: row.retiredAt,
    canSign: row.privateKeyEncrypted !== null,
  };
}

// pg returns [rows, count] for UPDATE … RETURNING through TypeORM; PGlite the same.
function affectedRows(result: unknown): number {
  if (Array.isArray(result) && typeof result[1] === "number") return result[1];
  return Array.isArray(result) ? result.length : 0;
}
