import type { Kysely } from 'kysely';
import type { HistoryPage, LogEvent, SyncResult } from '../../shared/protocol.js';
import { LIMITS } from '../../shared/protocol.js';
import { notFound } from '../domain/errors.js';
import { enforce, type RateLimiter } from '../domain/rate-limit.js';
import * as repo from '../store/repository.js';
import type { Schema } from '../store/schema.js';
import { toRoom } from './views.js';

/** What one sync page may hold, roughly, in bytes of JSON. */
export const SYNC_PAGE_MAX_BYTES = 1_000_000;

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
    await enforce(this.limiter, 'read', userId, 'you are reading too fast, slow down');
    // Read first: every change up to this seq is committed, so the page below includes it.
    const lastSeq = await repo.lastSeqForMember(this.db, roomId, userId);
    if (lastSeq === undefined) throw notFound('room not found');
    const rows = await repo.messagesBefore(this.db, roomId, before ?? Number.MAX_SAFE_INTEGER, limit);
    const messages = await repo.hydrateMessages(this.db, rows);
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
    await enforce(this.limiter, 'read', userId, 'you are reading too fast, slow down');
    const lastSeqs = await repo.lastSeqsOfUser(this.db, userId);
    const events: LogEvent[] = [];
    const gone: string[] = [];
    let more = false;
    let bytes = 0;
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
      const budget = pageSize - events.length;
      const rows = await repo.logAfter(this.db, roomId, cursor, budget);
      if (rows.length === budget) more = true;
      // A page of long messages with many attachments must not take megabytes of memory:
      // past the byte budget the page ends (after at least one event), and the client's next
      // call, from the cursor it reached, gets the rest.
      for (const event of await this.buildEvents(rows)) {
        bytes += approximateSize(event);
        if (bytes > maxBytes && events.length > 0) {
          more = true;
          break;
        }
        events.push(event);
      }
    }
    return { events, more, gone };
  }

  /** Turns stored log rows into wire events, rebuilding payloads from the rows' current state. */
  private async buildEvents(rows: readonly repo.RoomEventRow[]): Promise<LogEvent[]> {
    if (rows.length === 0) return [];
    const messageIds = [...new Set(rows.flatMap((r) => (r.message_id ? [r.message_id] : [])))];
    const messages = new Map(
      (await repo.hydrateMessages(this.db, await repo.messagesByIds(this.db, messageIds))).map((m) => [
        m.id,
        m,
      ]),
    );
    const needsRoom = rows.some((r) => r.type === 'room:updated');
    const roomRow = needsRoom ? await repo.findRoom(this.db, rows[0]!.room_id) : undefined;
    const room = roomRow
      ? toRoom(roomRow, await repo.countMembers(this.db, roomRow.id), null, true)
      : undefined;

    const events: LogEvent[] = [];
    for (const row of rows) {
      const base = { roomId: row.room_id, seq: row.seq, at: row.created_at };
      const message = row.message_id ? messages.get(row.message_id) : undefined;
      switch (row.type) {
        case 'message:new':
        case 'message:updated':
          if (message) events.push({ ...base, type: row.type, message });
          break;
        case 'message:deleted':
          events.push({ ...base, type: 'message:deleted', messageId: row.message_id! });
          break;
        case 'reaction:updated':
          events.push({
            ...base,
            type: 'reaction:updated',
            messageId: row.message_id!,
            reactions: message?.reactions ?? [],
          });
          break;
        case 'room:member-joined':
          if (message?.author)
            events.push({ ...base, type: 'room:member-joined', user: message.author, message });
          break;
        case 'room:member-left':
          if (message) events.push({ ...base, type: 'room:member-left', userId: row.user_id!, message });
          break;
        case 'room:updated':
          if (room) events.push({ ...base, type: 'room:updated', room });
          break;
      }
    }
    return events;
  }
}
