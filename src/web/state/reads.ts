import type { Server } from './server.js';
import type { ChatStore } from './store.js';

/** How long a burst of reads waits to go out as one request. */
const READ_BATCH_MS = 300;

/** What opening a room loads besides its read position. */
export interface OpenRoomHooks {
  loadNewest(roomId: string): Promise<void>;
  loadMembers(roomId: string): Promise<void>;
}

/**
 * Which room is open and how far the user has read: opening a room clears its unread count
 * and places the "new messages" divider; what the user sees is sent as `room:read`.
 */
export class Reads {
  /** Reads waiting to be sent, per room: how far the user has seen, and the timer. */
  private readonly pending = new Map<string, { seq: number; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly store: ChatStore,
    private readonly server: Server,
    private readonly hooks: OpenRoomHooks,
  ) {}

  selectRoom(roomId: string | null): void {
    const state = this.store.getState();
    if (roomId === state.activeRoomId) return;
    const view = roomId ? state.rooms[roomId] : undefined;
    this.store.update((s) => ({
      activeRoomId: roomId,
      // A link's message is one room's: opening another forgets it.
      target: null,
      dividerSeq: view && view.room.unread > 0 ? view.room.lastReadSeq : null,
      ...(view
        ? { rooms: { ...s.rooms, [view.room.id]: { ...view, room: { ...view.room, unread: 0 } } } }
        : {}),
    }));
    if (!view || !roomId) return;
    if (!view.historyLoaded) void this.hooks.loadNewest(roomId);
    void this.hooks.loadMembers(roomId);
    this.schedule(roomId, view.cursor);
  }

  /** Marks the active room read up to its cursor, at most a few times a second. */
  markVisibleRead(): void {
    const state = this.store.getState();
    const view = state.activeRoomId ? state.rooms[state.activeRoomId] : undefined;
    if (view) this.schedule(view.room.id, view.cursor);
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
          // Only the open room is wholly read; one left meanwhile keeps what arrived since.
          this.store.setRoom(roomId, (v) => ({
            ...v,
            room: {
              ...v.room,
              lastReadSeq,
              unread: this.store.getState().activeRoomId === roomId ? 0 : v.room.unread,
            },
          })),
        )
        .catch(() => {});
    }, READ_BATCH_MS);
    this.pending.set(roomId, { seq: upTo, timer });
  }

  stop(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
  }
}
