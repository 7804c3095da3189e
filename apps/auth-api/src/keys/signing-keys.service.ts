import { Injectable, Logger, type OnModuleInit } from "@nestjs/common";
import { SigningKeyEntity } from "@sigil/persistence";
import { generateSigningKey, open, seal, signingKeyFrom, type SigningKey } from "@sigil/sessions";
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { DataSource } from "typeorm";
import { AppConfig } from "../config/app-config.js";

/**
 * Access-token signing keys: private halves stored only sealed under the KEK (AES-256-GCM, the kid
 * as context), loaded at boot; the first instance to find none creates one under an advisory lock.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly logger = new Logger("SigningKeys");
  private readonly byKid = new Map<string, SigningKey>();
  private active: SigningKey | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const kek = await this.resolveKek();
    await this.dataSource.transaction(async (manager) => {
      // One instance creates the first key; the others wait here and then load it.
      await manager.query("SELECT pg_advisory_xact_lock(hashtext('sigil:signing-keys'))");
      const repository = manager.getRepository(SigningKeyEntity);
      if (!(await this.hasActive(manager))) {
        const key = generateSigningKey({ now: new Date() });
        const der = key.privateKey.export({ format: "der", type: "pkcs8" });
        await repository.insert({
          kid: key.kid,
          alg: key.alg,
          publicJwk: key.publicJwk as Record<string, string>,
          privateKeyEncrypted: seal({ kek, plaintext: der, context: key.kid }),
          createdAt: key.createdAt,
          activatedAt: key.createdAt,
          retiredAt: null,
        });
        this.logger.log(`created signing key ${key.kid}`);
      }
    });
    const rows = await this.dataSource
      .getRepository(SigningKeyEntity)
      .createQueryBuilder("k")
      .where("k.retired_at IS NULL")
      .orderBy("k.activated_at", "DESC", "NULLS LAST")
      .getMany();
    for (const row of rows) {
      const privateKey = createPrivateKey({
        key: open({ kek, sealed: row.privateKeyEncrypted, context: row.kid }),
        format: "der",
        type: "pkcs8",
      });
      const key = signingKeyFrom({
        privateKey,
        publicKey: createPublicKey(privateKey),
        createdAt: row.createdAt,
      });
      if (key.kid !== row.kid) throw new Error(`signing key ${row.kid} does not match its stored thumbprint`);
      this.byKid.set(key.kid, key);
      if (!this.active && row.activatedAt) this.active = key;
    }
  }

  /** The key that signs new tokens. */
  current(): SigningKey {
    if (!this.active) throw new Error("no active signing key (module not initialised)");
    return this.active;
  }

  /** The public key of a published `kid`, or undefined. */
  publicKey(kid: string): KeyObject | undefined {
    return this.byKid.get(kid)?.publicKey;
  }

  /** The JWKS: every published (non-retired) public key. */
  jwks(): { keys: SigningKey["publicJwk"][] } {
    return { keys: [...this.byKid.values()].map((key) => key.publicJwk) };
  }

  private async hasActive(manager: DataSource["manager"]): Promise<boolean> {
    const [row] = await manager.query(
      "SELECT 1 FROM signing_keys WHERE retired_at IS NULL AND activated_at IS NOT NULL LIMIT 1",
    );
    return row !== undefined;
  }

  /** The configured KEK, or outside production one kept under the data folder (created once). */
  private async resolveKek(): Promise<Buffer> {
    if (this.config.kek) return this.config.kek;
    if (this.config.env === "production") throw new Error("SIGIL_KEK is required in production");
    const file = path.resolve(this.config.dataDir, "kek");
    try {
      const kek = Buffer.from((await readFile(file, "utf8")).trim(), "base64");
      if (kek.length === 32) return kek;
    } catch {
      // not created yet
    }
    const kek = randomBytes(32);
    await mkdir(path.dirname(file), { recursive: true });
    // "wx" fails if another process created it first; then theirs is read back below.
    await writeFile(file, `${kek.toString("base64")}\n`, { mode: 0o600, flag: "wx" }).catch(() => undefined);
    const stored = Buffer.from((await readFile(file, "utf8")).trim(), "base64");
    this.logger.warn(`no SIGIL_KEK set: using the development KEK in ${file}`);
    return stored;
  }
}
