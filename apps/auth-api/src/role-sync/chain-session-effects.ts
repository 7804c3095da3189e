import type { ChainClient } from "@sigil/chain";
import {
  type AccessSnapshot,
  type BlockRef,
  type RoleEvent,
  type RoleEventBatch,
  RoleEventKind,
} from "@sigil/core";
import { type RoleEventEffects, SessionEntity, type SessionGroup, sessionGroupKey } from "@sigil/persistence";
import { type DataSource, type EntityManager, IsNull, MoreThan } from "typeorm";
import type { MetricsService } from "../platform/metrics/metrics.service.js";
import type { SessionService } from "../sessions/session.service.js";

type Hex = `0x${string}`;

/** Recorded on audit rows the follower writes (it serves no HTTP request). */
export const ROLE_SYNC_REQUEST_ID = "role-sync";

/** How long a removal keeps re-checking sessions that signed in around it (a login that read roles before the event). */
const RECHECK_WINDOW_MS = 30_000;
/** Lapsed session groups read per follower step (the rest wait for the next step). */
const LAPSED_PER_STEP = 200;
/** Sessions touched this long before the previous check are checked again (clock skew, slow commits). */
const RECHECK_OVERLAP_MS = 2_000;

/** The session groups a batch may have taken something from, with their access read at the batch's end. */
export interface PreparedEffects {
  access: Map<string, { group: SessionGroup; access: AccessSnapshot }>;
  /** Accounts that lost a role or an ownership in the batch: their sessions end instead of narrowing. */
  roleRevoked: Set<Hex>;
  /**
   * Keep what sources that did not answer could still grant: an event elsewhere did not change their
   * facts, and their scopes fail closed while their chain is stale. Not for a lapse (time decides it).
   */
  keepUndecided?: boolean;
}

/** Reads what the policy allows a session group, this chain pinned to `at` (others at their latest). */
export type ReadGroupAccess = (p: SessionGroup & { at: BlockRef }) => Promise<AccessSnapshot>;

interface PendingRemoval {
  until: number;
  account?: Hex;
  scope?: string;
  /** Only role revocations and lost ownerships end sessions; other facts narrow. */
  ends?: boolean;
}

export interface ChainSessionEffectsParameters {
  chain: ChainClient;
  dataSource: DataSource;
  sessions: SessionService;
  metrics: MetricsService;
  readAccess: ReadGroupAccess;
  /** Sign-in chains whose sessions this chain's sources speak for. */
  signInChains: readonly number[];
  now?: () => Date;
}

/**
 * What registry events do to live sessions on one chain. A revoked role ends the account's sessions
 * that held a scope it no longer has; a scope removed from a role narrows every session holding it.
 * Who keeps what is decided by a direct registry read at the batch's last block, never by the index
 * alone, so a follower that started late cannot take away scopes an account still has.
 */
export class ChainSessionEffects implements RoleEventEffects<PreparedEffects> {
  private readonly now: () => Date;
  private pending: PendingRemoval[] = [];
  /** Accounts and scopes of events a reorg removed: the next batch re-reads their sessions. */
  private readonly forgotten = { accounts: new Set<Hex>(), scopes: new Set<string>() };
  private lastRecheckAt = 0;

  constructor(private readonly p: ChainSessionEffectsParameters) {
    this.now = p.now ?? (() => new Date());
  }

  /** Sign-in chains whose sessions this chain's sources speak for. */
  get signInChains(): readonly number[] {
    return this.p.signInChains;
  }

  async prepare(batch: RoleEventBatch): Promise<PreparedEffects> {
    const roleRevoked = new Set<Hex>();
    const accounts = new Set<Hex>();
    const removedScopes = new Set<string>();
    for (const event of batch.events) {
      if (event.kind === RoleEventKind.roleRevoked && event.account) roleRevoked.add(event.account);
      if (event.kind === RoleEventKind.scopeRemoved && event.scope) removedScopes.add(event.scope);
    }
    for (const event of batch.policyEvents ?? []) {
      for (const account of event.accounts) {
        accounts.add(account);
        if (event.ends) roleRevoked.add(account);
      }
      for (const scope of event.holdersOf ?? []) removedScopes.add(scope);
    }
    for (const account of roleRevoked) accounts.add(account);
    for (const account of this.forgotten.accounts) accounts.add(account);
    for (const scope of this.forgotten.scopes) removedScopes.add(scope);
    if (accounts.size === 0 && removedScopes.size === 0) return { access: new Map(), roleRevoked };
    const groups: SessionGroup[] = await this.p.dataSource.query(
      `SELECT DISTINCT address, chain_id AS "chainId", wallet_kind AS "walletKind" FROM sessions
        WHERE chain_id = ANY($1) AND revoked_at IS NULL AND absolute_expires_at > $2
          AND ${accountsOrScopes(removedScopes.size)}`,
      [this.p.signInChains, this.now(), [...accounts], [...removedScopes]],
    );
    return { access: await this.readAll(groups, batch.to), roleRevoked, keepUndecided: true };
  }

  async applyWithin(
    manager: EntityManager,
    batch: RoleEventBatch,
    added: RoleEvent[],
    prepared: PreparedEffects,
  ): Promise<void> {
    const chainId = String(batch.chainId);
    for (const event of added) this.p.metrics.roleEventsApplied.inc({ chain_id: chainId, event: event.kind });
    for (const event of batch.policyEvents ?? [])
      for (const source of event.sources) this.p.metrics.policySourceEvents.inc({ source });
    await this.enforce(manager, prepared);
    this.forgotten.accounts.clear();
    this.forgotten.scopes.clear();
    const until = Date.now() + RECHECK_WINDOW_MS;
    for (const event of batch.events) {
      if (event.kind === RoleEventKind.roleRevoked)
        this.pending.push({ until, account: event.account, ends: true });
      if (event.kind === RoleEventKind.scopeRemoved) this.pending.push({ until, scope: event.scope });
    }
    for (const event of batch.policyEvents ?? []) {
      // `ends` left undefined would read as a role revocation in recheckRecent: a lost NFT would end sessions.
      for (const account of event.accounts) this.pending.push({ until, account, ends: event.ends ?? false });
      for (const scope of event.holdersOf ?? []) this.pending.push({ until, scope });
    }
  }

  rewound(forgotten: { accounts: Hex[]; scopes: string[] }): void {
    for (const account of forgotten.accounts) this.forgotten.accounts.add(account);
    for (const scope of forgotten.scopes) this.forgotten.scopes.add(scope);
  }

  /**
   * Closes the race with sign-ins: a login or refresh that read roles just before a removal was
   * applied may commit just after it. For a short window after each removal, sessions touched since
   * the last check that match it are checked again against the chain at `position`.
   */
  async recheckRecent(position: BlockRef): Promise<void> {
    const nowMs = Date.now();
    this.pending = this.pending.filter((entry) => entry.until > nowMs);
    if (this.pending.length === 0) return;
    const since = new Date(this.lastRecheckAt - RECHECK_OVERLAP_MS);
    this.lastRecheckAt = nowMs;
    const accounts = this.pending.flatMap((entry) => (entry.account ? [entry.account] : []));
    const ending = this.pending.flatMap((entry) => (entry.account && entry.ends ? [entry.account] : []));
    const scopes = this.pending.flatMap((entry) => (entry.scope ? [entry.scope] : []));
    const groups: SessionGroup[] = await this.p.dataSource.query(
      `SELECT DISTINCT address, chain_id AS "chainId", wallet_kind AS "walletKind" FROM sessions
        WHERE chain_id = ANY($1) AND revoked_at IS NULL AND last_used_at >= $2
          AND ${accountsOrScopes(scopes.length)}`,
      [this.p.signInChains, since, accounts, scopes],
    );
    if (groups.length === 0) return;
    const prepared: PreparedEffects = {
      access: await this.readAll(groups, position),
      roleRevoked: new Set(ending),
      keepUndecided: true,
    };
    await this.p.dataSource.transaction((manager) => this.enforce(manager, prepared));
  }

  /**
   * Sessions of this sign-in chain whose scopes rest on an answer that lapses by itself (an attestation's
   * expiry) and has lapsed: read again at `position` and narrowed; each then records its next lapse time.
   */
  async recheckLapsed(position: BlockRef): Promise<void> {
    const now = this.now();
    const groups: SessionGroup[] = await this.p.dataSource.query(
      `SELECT DISTINCT address, chain_id AS "chainId", wallet_kind AS "walletKind" FROM sessions
        WHERE chain_id = $1 AND revoked_at IS NULL AND scopes_valid_until <= $2 AND absolute_expires_at > $2
        LIMIT ${LAPSED_PER_STEP}`,
      [this.p.chain.chainId, now],
    );
    if (groups.length === 0) return;
    const access = await this.readAll(groups, position);
    await this.p.dataSource.transaction(async (manager) => {
      await this.enforce(manager, { access, roleRevoked: new Set() });
      // A session another rule still covers keeps its scopes: it waits for the next lapse, not every step.
      for (const { group, access: read } of access.values()) {
        await manager.query(
          `UPDATE sessions SET scopes_valid_until = $4
            WHERE address = $1 AND chain_id = $2 AND wallet_kind = $3 AND revoked_at IS NULL
              AND scopes_valid_until <= $5`,
          [group.address, group.chainId, group.walletKind, read.validUntil ?? null, now],
        );
      }
    });
  }

  /** Narrows (or, for accounts in `roleRevoked`, ends) each group's live sessions to what its read allows. */
  async enforce(manager: EntityManager, prepared: PreparedEffects): Promise<void> {
    const now = this.now();
    const chainId = String(this.p.chain.chainId);
    for (const { group, access } of prepared.access.values()) {
      const { address } = group;
      const allowed = new Set(access.scopes);
      const undecided = prepared.keepUndecided ? access.undecided : undefined;
      const keeps = (scope: string) =>
        allowed.has(scope) || undecided?.any === true || undecided?.scopes.includes(scope) === true;
      const live = await manager.getRepository(SessionEntity).find({
        where: {
          chainId: group.chainId,
          walletKind: group.walletKind,
          address,
          revokedAt: IsNull(),
          absoluteExpiresAt: MoreThan(now),
        },
        lock: { mode: "pessimistic_write" },
      });
      for (const session of live) {
        const kept = session.scopes.filter(keeps);
        if (kept.length === session.scopes.length) continue;
        if (prepared.roleRevoked.has(address)) {
          await this.p.sessions.revokeWithin(manager, {
            session,
            reason: "role_revoked",
            now,
            requestId: ROLE_SYNC_REQUEST_ID,
            blockNumber: access.block.number,
          });
          this.p.metrics.sessionsNarrowedOrRevoked.inc({ chain_id: chainId, action: "revoked" });
        } else {
          await this.p.sessions.narrowWithin(manager, {
            session,
            scopes: kept,
            reason: "scope_removed",
            access,
            now,
            requestId: ROLE_SYNC_REQUEST_ID,
          });
          this.p.metrics.sessionsNarrowedOrRevoked.inc({ chain_id: chainId, action: "narrowed" });
        }
      }
    }
  }

  /** Each group's access with this chain pinned to `block`; reads go out together (one JSON-RPC batch per chain). */
  async readAll(
    groups: readonly SessionGroup[],
    block: BlockRef,
  ): Promise<Map<string, { group: SessionGroup; access: AccessSnapshot }>> {
    const read = await Promise.all(
      groups.map(async (group) => ({ group, access: await this.p.readAccess({ ...group, at: block }) })),
    );
    return new Map(read.map((entry) => [sessionGroupKey(entry.group), entry]));
  }
}

/**
 * Sessions of the accounts ($3), or holding a removed scope ($4). With no removed scope, `$4 IS NULL`
 * (false, folded away) replaces `scopes && '{}'`, which the planner cannot fold: it scanned every session.
 */
function accountsOrScopes(scopeCount: number): string {
  return scopeCount === 0
    ? `(address = ANY($3) OR $4::text[] IS NULL)`
    : `(address = ANY($3) OR scopes && $4)`;
}
