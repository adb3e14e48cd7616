import { countsAsUnread, newestSeq, oldestSeq, type RoomView } from './log.js';
import type { Server } from './server.js';
import type { ChatStore } from './store.js';

/** How long a burst of reads waits to go out as one request. */
const READ_BATCH_MS = 300;

/** What opening a room loads besides its read position. */
export interface OpenRoomHooks {
  loadNewest(roomId: string): Promise<void>;
  /** Replaces the loaded window with the page around a seq (the first unread). */
  loadAroundSeq(roomId: string, seq: number): Promise<void>;
  loadMembers(roomId: string): Promise<void>;
}

/**
 * Which room is open and how far the user has read: opening a room clears its unread count
 * and places the "new messages" divider; what the user sees is sent as `room:read`.
 */
export class Reads {
  /** Reads waiting to be sent, per room: how far the user has seen, and the timer. */
  private readonly pending = new Map<string, { seq: number; timer: ReturnType<typeof setTimeout> }>();
  /**
   * The open room when it was opened with unread messages and a list reports what is on
   * screen: it is read only as far as the reader has seen (`seen`), not wholly on opening nor
   * as messages arrive, until the reader reaches its newest message.
   */
  private backlog: string | null = null;
  /** Marked unread by hand: what is on screen is not read again until the reader scrolls. */
  private untilScroll: { roomId: string; since: number } | null = null;

  constructor(
    private readonly store: ChatStore,
    private readonly server: Server,
    private readonly hooks: OpenRoomHooks,
    /** A list on screen reports what the reader saw (the web app); without one, opening reads all. */
    private readonly listReports = false,
  ) {}

  selectRoom(roomId: string | null): void {
    const state = this.store.getState();
    if (roomId === state.activeRoomId) return;
    const view = roomId ? state.rooms[roomId] : undefined;
    const atUnread = Boolean(view && this.listReports && view.room.unread > 0);
    this.backlog = atUnread && view ? view.room.id : null;
    this.untilScroll = null;
    this.store.update((s) => ({
      activeRoomId: roomId,
      // A link's message is one room's: opening another forgets it.
      target: null,
      dividerSeq: view && view.room.unread > 0 ? view.room.lastReadSeq : null,
      dividerUnread: view?.room.unread ?? 0,
      ...(view && !atUnread
        ? { rooms: { ...s.rooms, [view.room.id]: { ...view, room: { ...view.room, unread: 0 } } } }
        : {}),
    }));
    if (!view || !roomId) return;
    const firstUnread = view.room.lastReadSeq + 1;
    const oldest = oldestSeq(view);
    // Opening at the first unread: the history must reach back to it.
    // A window left short of the newest (a link) may also end before it.
    const endsBefore = view.hasNewer && (newestSeq(view) ?? 0) < firstUnread;
    if (atUnread && (!view.historyLoaded || oldest === undefined || oldest > firstUnread || endsBefore)) {
      void this.hooks.loadAroundSeq(roomId, firstUnread);
    } else if (!view.historyLoaded) void this.hooks.loadNewest(roomId);
    void this.hooks.loadMembers(roomId);
    if (!atUnread) this.schedule(roomId, view.cursor);
  }

  /** Marks the active room read up to its cursor, at most a few times a second. */
  markVisibleRead(): void {
    const state = this.store.getState();
    const view = state.activeRoomId ? state.rooms[state.activeRoomId] : undefined;
    // Not a window short of the newest (a link to an old message): what it leaves out is unseen.
    if (view && !view.hasNewer && this.backlog !== view.room.id) this.schedule(view.room.id, view.cursor);
  }

  /** A message arrived in the open, visible room: seen, unless the reader is still catching up. */
  arrived(roomId: string, seq: number): void {
    // A window short of the newest does not show what arrives: only `seen` reads there.
    if (this.backlog === roomId || this.store.getState().rooms[roomId]?.hasNewer) return;
    this.schedule(roomId, seq);
  }

  /**
   * The list showed the reader messages up to `seq` in the open room; `readerMovedAt` is when
   * the reader last scrolled it themselves (wheel, touch, keys). Reaching the newest
   * message ends the catching up: the rest of the log (reactions, edits) is read too, and from
   * then on what arrives counts as seen.
   */
  seen(roomId: string, seq: number, readerMovedAt = 0): void {
    const view = this.store.getState().rooms[roomId];
    if (!view || this.store.getState().activeRoomId !== roomId) return;
    if (this.untilScroll?.roomId === roomId && readerMovedAt < this.untilScroll.since) return;
    this.untilScroll = null;
    const newest = newestSeq(view);
    if (!view.hasNewer && newest !== undefined && seq >= newest) {
      if (this.backlog === roomId) this.backlog = null;
      this.schedule(roomId, view.cursor);
    } else if (seq > view.room.lastReadSeq) this.schedule(roomId, seq);
  }

  /**
   * Marks the room read up to `seq` — what the user has seen — a moment later, batching a burst
   * into one request. The position is taken now, not when the timer fires: by then the user
   * may have left the room and more may have arrived, unseen.
   */
  schedule(roomId: string, seq: number): void {
    const pending = this.pending.get(roomId);
    clearTimeout(pending?.timer);
    const upTo = Math.max(seq, pending?.seq ?? 0);
    const timer = setTimeout(() => {
      this.pending.delete(roomId);
      const view = this.store.getState().rooms[roomId];
      if (!view || !this.server.socket.connected || upTo <= view.room.lastReadSeq) return;
      this.server
        .request('room:read', { roomId, seq: upTo })
        .then(({ lastReadSeq }) =>
          // Only the open room is wholly read; one left meanwhile keeps what arrived since, and
          // one still being caught up on keeps what is below what was seen.
          this.store.setRoom(roomId, (v) => ({
            ...v,
            room: {
              ...v.room,
              lastReadSeq,
              unread:
                this.store.getState().activeRoomId !== roomId
                  ? v.room.unread
                  : this.backlog === roomId
                    ? unreadLeft(v, lastReadSeq, this.store.getState().me.id)
                    : 0,
            },
          })),
        )
        .catch(() => {});
    }, READ_BATCH_MS);
    this.pending.set(roomId, { seq: upTo, timer });
  }

  /**
   * "Mark as unread" from a message: the read position goes back to just before it, the
   * divider moves above it, and the open room stays unread while the reader stays put — not
   * read again by what is on screen nor by what arrives, until they scroll or open it again.
   */
  async markUnread(roomId: string, seq: number): Promise<void> {
    // Before the request: what is on screen while it is on its way must not be read again.
    if (this.store.getState().activeRoomId === roomId) {
      this.backlog = roomId;
      this.untilScroll = { roomId, since: Date.now() };
    }
    const pending = this.pending.get(roomId);
    clearTimeout(pending?.timer);
    this.pending.delete(roomId);
    const marked = await this.server.attempt(() => this.server.request('room:unread', { roomId, seq }));
    if (!marked) return;
    const { lastReadSeq, unread } = marked;
    this.store.update((s) => {
      const view = s.rooms[roomId];
      if (!view) return {};
      return {
        rooms: { ...s.rooms, [roomId]: { ...view, room: { ...view.room, lastReadSeq, unread } } },
        ...(s.activeRoomId === roomId ? { dividerSeq: lastReadSeq, dividerUnread: unread } : {}),
      };
    });
  }

  stop(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
  }
}

/** The unread count once read up to `upTo`: what was read of it is loaded (it was on screen). */
function unreadLeft(view: RoomView, upTo: number, meId: string): number {
  const read = view.messages.filter(
    (m) => m.seq > view.room.lastReadSeq && m.seq <= upTo && countsAsUnread(m, meId),
  ).length;
  return Math.max(0, view.room.unread - read);
}
