import type { Member, Self } from '../../shared/protocol.js';
import type { RoomView } from './log.js';
import type { OutboxItem } from './outbox.js';

export type Connection = 'connecting' | 'online' | 'reconnecting';

export interface ChatState {
  me: Self;
  connection: Connection;
  rooms: Record<string, RoomView>;
  activeRoomId: string | null;
  presence: Record<string, { online: boolean; lastSeenAt: number | null }>;
  /** Per room, who is typing and until when (the notice expires if no "stopped" arrives). */
  typing: Record<string, Record<string, number>>;
  outbox: readonly OutboxItem[];
  members: Record<string, Member[]>;
  match: 'idle' | 'waiting';
  /** Read position of the active room when it was opened: the unread divider goes after it. */
  dividerSeq: number | null;
  /** How many were unread when the active room was opened ("Jump to first unread (N)"). */
  dividerUnread: number;
  notice: { id: number; text: string; tone: 'info' | 'error' } | null;
  /** A message a link asked for: the list scrolls to it and highlights it (a new id each time). */
  target: { id: number; roomId: string; messageId: string } | null;
}

const NOTICE_MS = 5_000;

/**
 * The state the UI renders, replaced (never mutated) on every change so that a component can
 * tell by identity whether what it shows changed. React reads it through
 * `useSyncExternalStore`; the engine's parts change it through `update`.
 */
export class ChatStore {
  private state: ChatState;
  private readonly listeners = new Set<() => void>();
  private noticeId = 0;

  constructor(me: Self, outbox: readonly OutboxItem[]) {
    this.state = {
      me,
      connection: 'connecting',
      rooms: {},
      activeRoomId: null,
      presence: {},
      typing: {},
      outbox,
      members: {},
      match: 'idle',
      dividerSeq: null,
      dividerUnread: 0,
      notice: null,
      target: null,
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): ChatState => this.state;

  update(change: (state: ChatState) => Partial<ChatState>): void {
    this.state = { ...this.state, ...change(this.state) };
    for (const listener of this.listeners) listener();
  }

  /** Changes one room's view; nothing happens if the room is not (or no longer) there. */
  setRoom(roomId: string, change: (view: RoomView) => RoomView): void {
    this.update((s) => {
      const view = s.rooms[roomId];
      return view ? { rooms: { ...s.rooms, [roomId]: change(view) } } : {};
    });
  }

  /** A toast that goes away by itself, unless a newer one replaced it first. */
  notify(text: string, tone: 'info' | 'error' = 'info'): void {
    const id = ++this.noticeId;
    this.update(() => ({ notice: { id, text, tone } }));
    setTimeout(() => this.update((s) => (s.notice?.id === id ? { notice: null } : {})), NOTICE_MS);
  }
}
