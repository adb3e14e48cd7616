import { setImmediate } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { HistoryPage, LogEvent, SyncResult } from '../../shared/protocol.js';
import { LIMITS } from '../../shared/protocol.js';
import { notFound } from '../domain/errors.js';
import type { RateLimiter } from '../domain/rate-limit.js';
import { lastSeqForMember, lastSeqsOfUser } from '../store/memberships.js';
import { findMessageInRoom, type MessageRow, messagesAfter, messagesBefore } from '../store/messages.js';
import { logAfter } from '../store/room-log.js';
import type { Schema } from '../store/schema.js';
import { enforceRead } from './deps.js';
import { loadLogEvents } from './views/log.js';
import { loadMessages } from './views/messages.js';

/**
 * Where a history page is taken: the newest messages (nothing given), those before or after a
 * seq, or those around a seq or a message (a link names a message). A bare number is `before`.
 */
export type HistoryPoint =
  | number
  | undefined
  | { before: number }
  | { after: number }
  | { around: number }
  | { aroundMessage: string };

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

  async history(userId: string, roomId: string, point: HistoryPoint, limit: number): Promise<HistoryPage> {
    await enforceRead(this.limiter, userId);
    // Read first: every change up to this seq is committed, so the page below includes it.
    const lastSeq = await lastSeqForMember(this.db, roomId, userId);
    if (lastSeq === undefined) throw notFound('room not found');
    const { older, newer, hasOlder, hasNewer, edge } = await this.window(roomId, point, limit);
    // Newest first in every variant, as the plain page always was.
    const rows = [...newer.slice().reverse(), ...older];
    const messages = await loadMessages(this.db, rows);
    const newest = rows[0];
    const oldest = rows.at(-1);
    return {
      messages,
      // An empty page still says where to go on: from the point it was asked at.
      nextBefore: hasOlder ? (oldest?.seq ?? edge) : null,
      nextAfter: hasNewer ? (newest?.seq ?? edge) : null,
      lastSeq,
    };
  }

  /**
   * The rows of a page: `older` newest first (at or before the point), `newer` oldest first
   * (after it). Each side is read one row past its share, which says whether more lie beyond
   * without a count; a side the variant does not read is checked with a one-row query.
   */
  private async window(roomId: string, point: HistoryPoint, limit: number) {
    const take = (rows: MessageRow[], share: number) => ({
      rows: rows.slice(0, share),
      more: rows.length > share,
    });
    const anyBefore = async (seq: number) => (await messagesBefore(this.db, roomId, seq, 1)).length > 0;
    const anyAfter = async (seq: number) => (await messagesAfter(this.db, roomId, seq, 1)).length > 0;
    if (typeof point === 'object' && 'after' in point) {
      const newer = take(await messagesAfter(this.db, roomId, point.after, limit + 1), limit);
      const oldest = newer.rows[0];
      return {
        older: [],
        newer: newer.rows,
        hasOlder: await anyBefore(oldest ? oldest.seq : point.after + 1),
        hasNewer: newer.more,
        // `before=after+1` pages back from where this empty page was asked.
        edge: point.after + 1,
      };
    }
    if (typeof point === 'object' && ('around' in point || 'aroundMessage' in point)) {
      let seq: number;
      if ('around' in point) seq = point.around;
      else {
        // A deleted message keeps its place: the page is around where it was.
        const target = await findMessageInRoom(this.db, roomId, point.aroundMessage);
        if (!target) throw notFound('message not found');
        seq = target.seq;
      }
      const olderShare = Math.ceil(limit / 2);
      const older = take(await messagesBefore(this.db, roomId, seq + 1, olderShare + 1), olderShare);
      const newer = take(
        await messagesAfter(this.db, roomId, seq, limit - olderShare + 1),
        limit - olderShare,
      );
      return { older: older.rows, newer: newer.rows, hasOlder: older.more, hasNewer: newer.more, edge: seq };
    }
    const before = typeof point === 'object' ? point.before : point;
    const older = take(
      await messagesBefore(this.db, roomId, before ?? Number.MAX_SAFE_INTEGER, limit + 1),
      limit,
    );
    const newest = older.rows[0];
    return {
      older: older.rows,
      newer: [],
      hasOlder: older.more,
      // The newest page has nothing after it by definition; an older one asks.
      hasNewer: before !== undefined ? await anyAfter(newest ? newest.seq : before - 1) : false,
      // `after=before-1` pages forward from where this empty page was asked.
      edge: (before ?? 1) - 1,
    };
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
