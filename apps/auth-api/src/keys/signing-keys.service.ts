import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from "@nestjs/common";
import { SigningKeyUnavailableError } from "@sigil/core";
import { planRotation, SecretBox, selectActiveKey, type SigningKey } from "@sigil/sessions";
import type { KeyObject } from "node:crypto";
import { DataSource } from "typeorm";
import { AppConfig, resolveKekProvider, rotationPolicy } from "@sigil/config";
import {
  publicKeyOf,
  type RotationOutcome,
  SigningKeyStore,
  type StoredSigningKey,
} from "@sigil/persistence";

interface LoadedKey extends StoredSigningKey {
  publicKey: KeyObject;
  /** The private half, when this instance could open it (pending and active keys only). */
  signing?: SigningKey;
}

/**
 * Access-token signing keys. Every instance polls the table: new keys are published (JWKS, token
 * verification) as soon as seen and sign only from their planned activation time; rotation (on
 * schedule or on demand) is decided by one instance under an advisory lock.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger("SigningKeys");
  private keys: LoadedKey[] = [];
  private store!: SigningKeyStore;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  /** Keys this instance failed to open (wrong KEK): told once, not on every poll. */
  private readonly unopenable = new Set<string>();

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const kek = await resolveKekProvider({ config: this.config, warn: (m) => this.logger.warn(m) });
    this.store = new SigningKeyStore(this.dataSource, new SecretBox(kek));
    await this.tick();
    if (!selectActiveKey(this.keys, new Date()))
      throw new SigningKeyUnavailableError(
        "no signing key could be opened (is SIGIL_KEK the KEK the keys were sealed under?)",
      );
    this.schedule();
  }

  onModuleDestroy(): Promise<void> | undefined {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.ticking;
  }

  /** The key that signs new tokens now. */
  current(): SigningKey {
    const key = selectActiveKey(this.keys, new Date())?.signing;
    if (!key) throw new SigningKeyUnavailableError("no active signing key");
    return key;
  }

  /** The public key of a published `kid` (pending, active or retiring), or undefined. */
  publicKey(kid: string): KeyObject | undefined {
    const key = this.keys.find((k) => k.kid === kid);
    return key && isPublished(key, new Date()) ? key.publicKey : undefined;
  }

  /** The JWKS: every published key, the newest first (pending keys included: publish-before-use). */
  jwks(): { keys: StoredSigningKey["publicJwk"][] } {
    const now = new Date();
    return { keys: this.keys.filter((key) => isPublished(key, now)).map((key) => key.publicJwk) };
  }

  /** Rotates now (one instance wins; others see the new key on their next poll). */
  async rotate({ force = true }: { force?: boolean } = {}): Promise<RotationOutcome> {
    const outcome = await this.store.rotate({ now: new Date(), policy: rotationPolicy(this.config), force });
    await this.refresh();
    return outcome;
  }

  /** Re-wraps every stored data key still under a former KEK (what `sigil kek rewrap` does). */
  rewrapDataKeys(): Promise<{ rewrapped: number; kekId: string }> {
    return this.store.rewrap();
  }

  /** Re-reads the table now (the poll does this every `SIGIL_KEY_POLL_MS`). */
  async refresh(): Promise<void> {
    const now = new Date();
    const stored = await this.store.list({ now });
    const known = new Map(this.keys.map((key) => [key.kid, key]));
    const next: LoadedKey[] = [];
    for (const key of stored) {
      const loaded = known.get(key.kid) ?? { ...key, publicKey: publicKeyOf(key) };
      // Timestamps may move (a successor plans our retirement); the opened private half stays.
      Object.assign(loaded, { retiredAt: key.retiredAt, activatedAt: key.activatedAt });
      if (!loaded.signing && key.canSign && !this.unopenable.has(key.kid))
        loaded.signing = await this.open(key.kid);
      loaded.canSign = loaded.signing !== undefined;
      next.push(loaded);
    }
    this.keys = next;
  }

  private async open(kid: string): Promise<SigningKey | undefined> {
    try {
      return await this.store.openSigningKey(kid);
    } catch (error) {
      // Keep verifying with its public half and signing with the previous key (still published).
      this.unopenable.add(kid);
      this.logger.error(
        `cannot open signing key ${kid}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
  }

  private async tick(): Promise<void> {
    const now = new Date();
    const policy = rotationPolicy(this.config);
    // Only take the lock when our (possibly stale) view says a rotation is due; the lock re-checks.
    const due = this.keys.length === 0 || planRotation({ keys: this.keys, now, policy }) !== undefined;
    const outcome = due ? await this.store.rotate({ now, policy }) : { rotated: false as const };
    if (outcome.rotated) {
      this.logger.log(
        `signing key ${outcome.kid} created (${outcome.plan.reason}), signs from ${outcome.plan.activatedAt.toISOString()}`,
      );
    }
    await this.store.dropSupersededPrivateKeys(now);
    await this.refresh();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((error: unknown) =>
          this.logger.error(
            `signing-key poll failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        )
        .finally(() => {
          this.ticking = undefined;
          if (this.timer) this.schedule();
        });
    }, this.config.keys.pollMs);
    this.timer.unref();
  }
}

function isPublished(key: StoredSigningKey, now: Date): boolean {
  return key.retiredAt === null || key.retiredAt > now;
}
