import type { Message } from '../../shared/protocol.js';
import type { OutboxItem } from './outbox.js';
import type { ChatState } from './store.js';

/**
 * Questions components ask of the chat state, one function each, so that what a component
 * depends on is spelled out in one place (and compared cheaply: see useChatSelector).
 */

const NO_MESSAGES: readonly Message[] = [];

/** Total unread across rooms, for the document title. */
export function totalUnread(state: ChatState): number {
  return Object.values(state.rooms).reduce((sum, v) => sum + v.room.unread, 0);
}

/** Messages that have not been refused yet are still on their way. */
export function hasUnsent(state: ChatState): boolean {
  return state.outbox.some((o) => o.status !== 'failed');
}

/** The open room, if this user still holds it. */
export function openRoomId(state: ChatState): string | null {
  return state.activeRoomId && state.rooms[state.activeRoomId] ? state.activeRoomId : null;
}

/** The room to open when none is: #general, or else the first. */
export function defaultRoomId(state: ChatState): string | null {
  const views = Object.values(state.rooms);
  const first = views.find((v) => v.room.kind === 'channel' && v.room.name === 'general') ?? views[0];
  return first?.room.id ?? null;
}

export function messagesIn(state: ChatState, roomId: string): readonly Message[] {
  return state.rooms[roomId]?.messages ?? NO_MESSAGES;
}

/** The room's messages still in the outbox (a new array: compare with sameItems). */
export function pendingIn(state: ChatState, roomId: string): OutboxItem[] {
  return state.outbox.filter((o) => o.roomId === roomId);
}

/**
 * Member names by id, for "who reacted" — without their presence, so that someone coming
 * online does not re-render every message (a new map: compare with sameEntries).
 */
export function memberNames(state: ChatState, roomId: string): ReadonlyMap<string, string> | undefined {
  return state.members[roomId] && new Map(state.members[roomId].map((m) => [m.id, m.username]));
}

/** Who is typing in the room, by name, sorted (a new array: compare with sameItems). */
export function typingNames(state: ChatState, roomId: string): string[] {
  const members = state.members[roomId];
  const peer = state.rooms[roomId]?.room.peer;
  return Object.keys(state.typing[roomId] ?? {})
    .map((id) => members?.find((m) => m.id === id)?.username ?? (peer?.id === id ? peer.username : 'Someone'))
    .sort();
}

/** The user's newest message in the room: ArrowUp in an empty composer edits it. */
export function lastOwnMessage(state: ChatState, roomId: string): Message | undefined {
  return [...messagesIn(state, roomId)]
    .reverse()
    .find((m) => m.kind === 'user' && m.author?.id === state.me.id);
}
