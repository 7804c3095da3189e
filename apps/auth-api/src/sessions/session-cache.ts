import { Injectable } from "@nestjs/common";
import type { SessionEntity } from "@sigil/persistence";
import { LruCache } from "@sigil/sessions";
import { RevocationSignalService } from "./revocation-signal.service.js";

/** Sessions kept per instance; a session row is well under 1 KiB. */
const CAPACITY = 50_000;

/**
 * Session rows as last read, so a token check needs no database round trip. Every change to a
 * session's access notifies its id (REVOCATION_CHANNEL); an entry counts only while the signal is
 * fresh (`RevocationSignalService.isFresh`), else lookups go to the database (fail closed).
 */
@Injectable()
export class SessionCache {
  private readonly sessions = new LruCache<string, SessionEntity>(CAPACITY);
  /** Bumped by every change: a read that began before one is not stored (it may predate it). */
  private generation = 0;

  constructor(private readonly signal: RevocationSignalService) {
    signal.subscribe((sessionId) => this.forget(sessionId));
  }

  /** The cached row of `id`, or undefined (not cached, or the signal cannot vouch for it now). */
  get(id: string): SessionEntity | undefined {
    if (this.signal.isFresh()) return this.sessions.get(id);
    if (this.sessions.size > 0) this.forget(undefined);
    return undefined;
  }

  /** Call before reading a row from the database; pass the result to {@link store}. */
  begin(): number {
    return this.generation;
  }

  /** Keeps `session`, read after {@link begin} returned `generation`, unless anything changed since. */
  store(session: SessionEntity, generation: number): void {
    if (generation === this.generation && this.signal.isFresh()) this.sessions.set(session.id, session);
  }

  /** Drops `sessionId`'s row (undefined: every row), here and for reads still in flight. */
  forget(sessionId: string | undefined): void {
    this.generation += 1;
    if (sessionId === undefined) this.sessions.clear();
    else this.sessions.delete(sessionId);
  }
}
