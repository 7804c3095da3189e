import pg from "pg";
import type { DataSource } from "typeorm";

/** Leadership of one chain's follower: at most one holder across every instance. */
export abstract class LeaderLock {
  /** Takes the lock if free; true when this instance holds it. */
  abstract tryAcquire(): Promise<boolean>;
  /** Whether the lock is still ours (false once its connection is gone). */
  abstract stillHeld(): Promise<boolean>;
  abstract release(): Promise<void>;
}

/**
 * A Postgres session-level advisory lock on a connection of its own: when the holder dies, its
 * connection closes and the lock frees itself, so a standby takes over on its next try.
 */
export class AdvisoryLeaderLock extends LeaderLock {
  private client: pg.Client | undefined;
  private held = false;

  constructor(
    private readonly url: string,
    /** Lock key: the chain id, under the namespace `hashtext('sigil:role-sync')`. */
    private readonly chainId: number,
  ) {
    super();
  }

  override async tryAcquire(): Promise<boolean> {
    try {
      if (!this.client) {
        const client = new pg.Client({
          connectionString: this.url,
          application_name: "sigil-role-sync-leader",
        });
        // A dropped connection must not crash the process: the next stillHeld() notices instead.
        client.on("error", () => this.drop());
        await client.connect();
        this.client = client;
      }
      const { rows } = await this.client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(hashtext('sigil:role-sync'), $1) AS locked`,
        [this.chainId],
      );
      this.held = rows[0]?.locked === true;
      return this.held;
    } catch {
      this.drop();
      return false;
    }
  }

  override async stillHeld(): Promise<boolean> {
    if (!this.held || !this.client) return false;
    try {
      await this.client.query("SELECT 1");
      return true;
    } catch {
      this.drop();
      return false;
    }
  }

  override async release(): Promise<void> {
    const client = this.client;
    this.drop();
    await client?.end().catch(() => undefined);
  }

  /** The backend pid of the lock's connection (tests end it to simulate a dead leader). */
  async backendPid(): Promise<number | undefined> {
    const result = await this.client?.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    return result?.rows[0]?.pid;
  }

  private drop(): void {
    this.held = false;
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
  }
}

const holders = new WeakMap<DataSource, Map<number, InProcessLeaderLock>>();

/**
 * For embedded PGlite, which only one process can open: leadership among the app instances of this
 * process that share the data source (tests run several).
 */
export class InProcessLeaderLock extends LeaderLock {
  constructor(
    private readonly dataSource: DataSource,
    private readonly chainId: number,
  ) {
    super();
  }

  override async tryAcquire(): Promise<boolean> {
    let byChain = holders.get(this.dataSource);
    if (!byChain) holders.set(this.dataSource, (byChain = new Map()));
    const holder = byChain.get(this.chainId);
    if (holder === undefined) byChain.set(this.chainId, this);
    return (holder ?? this) === this;
  }

  override async stillHeld(): Promise<boolean> {
    return holders.get(this.dataSource)?.get(this.chainId) === this;
  }

  override async release(): Promise<void> {
    const byChain = holders.get(this.dataSource);
    if (byChain?.get(this.chainId) === this) byChain.delete(this.chainId);
  }
}
