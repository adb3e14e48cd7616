import type { LogEvent, Message, MyRoom, RoomDeletedEvent } from '../../shared/protocol.js';
import { roomTitle } from '../lib/rooms.js';
import { applyLogEvent, countsAsUnread, mergeRoom, newRoomView, type RoomView, unreadChange } from './log.js';
import { membersAfter } from './members.js';
import { catchUpQuietly, type Server } from './server.js';
import type { ChatStore } from './store.js';

/** What applying the log needs from the rest of the engine. */
export interface SyncHooks {
  /** The user saw `seq` in a room (it arrived while the room was open and visible). */
  scheduleRead(roomId: string, seq: number): void;
  /** Someone's message arrived: their typing notice is over. */
  clearTyping(roomId: string, userId: string): void;
  /** Called for a new message from someone else while the user is not looking at it. */
  onIncoming?(message: Message, room: MyRoom): void;
  isVisible?(): boolean;
  /** The rooms and their logs are current again after a (re)connect. */
  caughtUp(): void;
}

/**
 * Keeps every room's log exactly-once and in order (docs/protocol.md §8): live events apply
 * when they follow the cursor, a gap or an unknown room triggers a sync from the cursors, and
 * every (re)connect learns the room list and replays what was missed.
 */
export class Sync {
  private run: Promise<void> | null = null;
  private queued = false;

  constructor(
    private readonly store: ChatStore,
    private readonly server: Server,
    private readonly hooks: SyncHooks,
  ) {}

  /** After every (re)connect: learn the room list, replay what was missed, then the hooks. */
  async catchUp(): Promise<void> {
    try {
      await this.refreshRooms();
      await this.resync();
      this.hooks.caughtUp();
    } catch (error) {
      if (this.server.socket.connected)
        this.store.notify(`Could not catch up: ${(error as Error).message}`, 'error');
    }
  }

  async refreshRooms(): Promise<void> {
    const { rooms, presence } = await this.server.request('rooms:list', {});
    this.store.update((s) => {
      // Merge rather than replace: a room joined while this request was on its way is not in the
      // answer but is real. Rooms that are truly gone come back from sync as `gone`.
      const next: Record<string, RoomView> = { ...s.rooms };
      for (const room of rooms) {
        const known = s.rooms[room.id];
        // A room we already hold keeps its cursor and messages: sync brings them up to date.
        // Its unread count is the server's, which already covers the log up to room.lastSeq.
        next[room.id] = known
          ? {
              ...known,
              room: mergeRoom(known.room, { ...room, unread: s.activeRoomId === room.id ? 0 : room.unread }),
              unreadCountedTo: room.lastSeq,
            }
          : newRoomView(room);
      }
      const presenceMap = { ...s.presence };
      for (const p of presence) presenceMap[p.userId] = { online: p.online, lastSeenAt: p.lastSeenAt };
      return { rooms: next, presence: presenceMap };
    });
  }

  /**
   * Replays the log after every room's cursor, page by page, until caught up. One run at a
   * time: a call during a run makes it go round once more instead of starting another.
   */
  resync(): Promise<void> {
    if (this.run) {
      this.queued = true;
      return this.run;
    }
    this.run = (async () => {
      try {
        do {
          this.queued = false;
          let more = true;
          while (more) {
            const cursors = Object.fromEntries(
              Object.values(this.store.getState().rooms).map((v) => [v.room.id, v.cursor]),
            );
            const page = await this.server.request('sync', { cursors }, 30_000);
            for (const event of page.events) this.receive(event, true);
            for (const roomId of page.gone) this.dropRoom({ roomId, reason: 'left' }, true);
            more = page.more;
          }
        } while (this.queued);
      } finally {
        this.run = null;
      }
    })();
    return this.run;
  }

  receive(event: LogEvent, fromSync = false): void {
    const state = this.store.getState();
    const view = state.rooms[event.roomId];
    if (!view) {
      // An event for a room we do not know yet (added while the list was loading).
      if (!fromSync) catchUpQuietly(() => this.refreshRooms().then(() => this.resync()));
      return;
    }
    const { view: next, outcome } = applyLogEvent(view, event, state.me.id);
    if (outcome === 'gap') {
      catchUpQuietly(() => this.resync());
      return;
    }
    if (outcome !== 'applied') return;
    const isActive = state.activeRoomId === event.roomId && (this.hooks.isVisible?.() ?? true);
    let room = next.room;
    if (isActive) {
      if (event.type === 'message:new' && countsAsUnread(event.message, state.me.id))
        this.hooks.scheduleRead(event.roomId, event.seq);
    } else {
      const change = unreadChange(view, event, state.me.id);
      if (change !== 0) room = { ...room, unread: Math.max(0, room.unread + change) };
      if (change > 0 && event.type === 'message:new') this.hooks.onIncoming?.(event.message, room);
    }
    if (event.type === 'message:new' && event.message.author)
      this.hooks.clearTyping(event.roomId, event.message.author.id);
    this.store.update((s) => ({
      rooms: { ...s.rooms, [event.roomId]: { ...next, room } },
      members: membersAfter(s, event),
    }));
  }

  addRoom(room: MyRoom): void {
    this.store.update((s) =>
      s.rooms[room.id] ? {} : { rooms: { ...s.rooms, [room.id]: newRoomView(room) } },
    );
  }

  /** The room is gone for this user; unless `quiet`, a notice says why. */
  dropRoom(event: RoomDeletedEvent, quiet = false): void {
    const view = this.store.getState().rooms[event.roomId];
    if (!view) return;
    this.store.update((s) => {
      const { [event.roomId]: _gone, ...rooms } = s.rooms;
      return { rooms, activeRoomId: s.activeRoomId === event.roomId ? null : s.activeRoomId };
    });
    if (quiet) return;
    const name = roomTitle(view.room);
    if (event.reason === 'ended') this.store.notify(`The chat with ${name} has ended`);
    else if (event.reason === 'removed') this.store.notify(`You were removed from ${name}`);
    else if (event.reason === 'banned') this.store.notify(`You were banned from ${name}`);
    else if (event.reason === 'deleted') this.store.notify(`${name} was deleted by an admin`);
    else if (event.reason === 'empty') this.store.notify(`${name} was closed`);
  }
}
