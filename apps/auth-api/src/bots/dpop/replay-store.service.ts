import { Injectable } from "@nestjs/common";
import { DataSource } from "typeorm";

// Expired rows are deleted every this many inserts (cheap, indexed on expires_at).
const PRUNE_EVERY = 500;

/**
 * Values that may be accepted once (signed-request nonces, DPoP `jti`s), shared by every instance
 * through Postgres: the primary key makes the second insert of a value fail atomically.
 */
@Injectable()
export class ReplayStore {
  private inserts = 0;

  constructor(private readonly dataSource: DataSource) {}

  /** Records `key` until `expiresAt`; false when it is already recorded and not yet expired. */
  async remember(p: { key: string; expiresAt: Date; now: Date }): Promise<boolean> {
    if (++this.inserts % PRUNE_EVERY === 0) {
      await this.dataSource.query(`DELETE FROM replay_nonces WHERE expires_at < $1`, [p.now]);
    }
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO replay_nonces (key, expires_at) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at
         WHERE replay_nonces.expires_at < $3
       RETURNING key`,
      [p.key, p.expiresAt, p.now],
    );
    return rows.length === 1;
  }
}
