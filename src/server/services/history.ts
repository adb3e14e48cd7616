import { setImmediate } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { HistoryPage, LogEvent, SyncResult } from '../../shared/protocol.js';
import { LIMITS } from '../../shared/protocol.js';
import { notFound } from '../domain/errors.js';
import type { RateLimiter } from '../domain/rate-limit.js';
import { lastSeqForMember, lastSeqsOfUser } from '../store/memberships.js';
import { messagesBefore } from '../store/messages.js';
import { logAfter } from '../store/room-log.js';
import type { Schema } from '../store/schema.js';
import { enforceRead } from './deps.js';
import { loadLogEvents } from './views/log.js';
import { loadMessages } from './views/messages.js';

/** What one sync page may hold, roughly, in bytes of JSON. */
export const SYNC_PAGE_MAX_BYTES = 1_000_000;
/** Log rows read and presented at a time, between which other work gets the event loop. */
const SYNC_CHUNK = 100;

/** An upper estimate of an event's JSON size, without serialising it. */
export function approximateSize(event: LogEvent): number {
  const message = 'message' in event ? event.message : undefined;
  const reactions = 'reactions' in event ? event.reactions : (message?.reactions ?? []);
  return (
    300 +
    // Text takes at most 3 bytes per UTF-16 unit in UTF-8.
    (message ? message.text.length * 3 + (message.reply?.text.length ?? 0) * 3 : 0) +
    (message?.attachments?.length ?? 0) * 400 +
    reactions.reduce((sum, r) => sum + 40 + r.userIds.length * 40, 0)
  );
}

/**
 * Reading the past: message history pages for scrolling back, and the log replay that brings
 * a reconnecting client up to date. Both read committed rows only, so whatever they return has
 * already been (or is about to be) broadcast.
 */
export class HistoryService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly limiter: RateLimiter,
  ) {}

  async history(
    userId: string,
    roomId: string,
    before: number | undefined,
    limit: number,
  ): Promise<HistoryPage> {
    await enforceRead(this.limiter, userId);
    // Read first: every change up to this seq is committed, so the page below includes it.
    const lastSeq = await lastSeqForMember(this.db, roomId, userId);
    if (lastSeq === undefined) throw notFound('room not found');
    const rows = await messagesBefore(this.db, roomId, before ?? Number.MAX_SAFE_INTEGER, limit);
    const messages = await loadMessages(this.db, rows);
    const last = rows.at(-1);
    return { messages, nextBefore: rows.length === limit && last ? last.seq : null, lastSeq };
  }

  /**
   * Replays every log entry after each cursor, room by room in seq order, up to one page in
   * total. The client applies the page, advances its cursors and asks again while `more` is
   * true, so a gap of any length is closed without the server keeping any per-client state.
   */
  async sync(
    userId: string,
    cursors: Record<string, number>,
    pageSize: number = LIMITS.syncPageSize,
    maxBytes: number = SYNC_PAGE_MAX_BYTES,
  ): Promise<SyncResult> {
    await enforceRead(this.limiter, userId);
    const lastSeqs = await lastSeqsOfUser(this.db, userId);
    const events: LogEvent[] = [];
    const gone: string[] = [];
    let more = false;
    let bytes = 0;
    let readSinceYield = 0;
    for (const roomId of Object.keys(cursors).sort()) {
      const lastSeq = lastSeqs.get(roomId);
      if (lastSeq === undefined) {
        gone.push(roomId);
        continue;
      }
      const cursor = cursors[roomId] ?? 0;
      // Nothing new (most rooms, most reconnects): no log to read. A change committed after
      // this read is not missed: the socket, already in its rooms, receives it live, and a
      // later sync from the same cursor finds it.
      if (more || lastSeq <= cursor) continue;
      let from = cursor;
      // Read in chunks, yielding to the event loop between them: rows are read and presented
      // synchronously (better-sqlite3), and a full page at once held everyone else's sends
      // for tens of milliseconds per sync on a slow machine. A chunk is also all that is read
      // past the byte budget, where the page ends.
      for (;;) {
        // Across rooms too: a reconnect's sync over many quiet rooms reads as much as one busy one.
        if (readSinceYield >= SYNC_CHUNK) {
          readSinceYield = 0;
          await setImmediate();
        }
        const budget = Math.min(SYNC_CHUNK, pageSize - events.length);
        const rows = await logAfter(this.db, roomId, from, budget);
        readSinceYield += Math.max(rows.length, 1);
        // A page of long messages with many attachments must not take megabytes of memory:
        // past the byte budget the page ends (after at least one event), and the client's
        // next call, from the cursor it reached, gets the rest.
        for (const event of await loadLogEvents(this.db, rows)) {
          bytes += approximateSize(event);
          if (bytes > maxBytes && events.length > 0) {
            more = true;
            break;
          }
          events.push(event);
        }
        if (more || rows.length < budget) break;
        if (events.length >= pageSize) {
          more = true;
          break;
        }
        from = rows.at(-1)!.seq;
      }
    }
    return { events, more, gone };
  }
}
