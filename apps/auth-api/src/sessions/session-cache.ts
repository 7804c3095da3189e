import { Injectable } from "@nestjs/common";
import type { GrantEntity, SessionEntity } from "@sigil/persistence";
import { LruCache } from "@sigil/sessions";
import { RevocationSignalService } from "./revocation-signal.service.js";

/** Sessions kept per instance; a session row is well under 1 KiB. */
const CAPACITY = 50_000;
/** A refresh on another instance writes a new grant without notifying: its copy here lags this long at most. */
export const GRANT_MAX_AGE_MS = 1_000;

interface Entry {
  session: SessionEntity;
  /** The session's newest grant (null: none) and performance.now() when it was read. */
  grant?: { row: GrantEntity | null; readAt: number };
}

/**
 * Session rows as last read, so a token check needs no database round trip. Every change to a
 * session's access notifies its id (REVOCATION_CHANNEL); an entry counts only while the signal is
 * fresh (`RevocationSignalService.isFresh`), else lookups go to the database (fail closed).
 */
@Injectable()
export class SessionCache {
  private readonly entries = new LruCache<string, Entry>(CAPACITY);
  /** Bumped by every change: a read that began before one is not stored (it may predate it). */
  private generation = 0;

  constructor(private readonly signal: RevocationSignalService) {
    signal.subscribe((sessionId) => this.forget(sessionId));
  }

  /** The cached row of `id`, or undefined (not cached, or the signal cannot vouch for it now). */
  get(id: string): SessionEntity | undefined {
    return this.entry(id)?.session;
  }

  /** The cached newest grant of session `id` (null: none), or undefined when not cached or too old. */
  grantOf(id: string): GrantEntity | null | undefined {
    const grant = this.entry(id)?.grant;
    return grant && performance.now() - grant.readAt <= GRANT_MAX_AGE_MS ? grant.row : undefined;
  }

  /** Call before reading rows from the database; pass the result to {@link store} or {@link storeGrant}. */
  begin(): number {
    return this.generation;
  }

  /** Keeps `session`, read after {@link begin} returned `generation`, unless anything changed since. */
  store(session: SessionEntity, generation: number): void {
    if (this.storable(generation)) this.entries.set(session.id, { session });
  }

  /** Keeps the newest grant of a cached session, read after {@link begin} returned `generation`. */
  storeGrant(sessionId: string, row: GrantEntity | null, generation: number, readAt: number): void {
    const entry = this.storable(generation) ? this.entries.get(sessionId) : undefined;
    if (entry) entry.grant = { row, readAt };
  }

  /** Drops `sessionId`'s rows (undefined: every session's), here and for reads still in flight. */
  forget(sessionId: string | undefined): void {
    this.generation += 1;
    if (sessionId === undefined) this.entries.clear();
    else this.entries.delete(sessionId);
  }

  private entry(id: string): Entry | undefined {
    if (this.signal.isFresh()) return this.entries.get(id);
    if (this.entries.size > 0) this.forget(undefined);
    return undefined;
  }

  private storable(generation: number): boolean {
    return generation === this.generation && this.signal.isFresh();
  }
}
