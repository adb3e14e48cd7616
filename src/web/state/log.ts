import { replyExcerpt } from '../../shared/format.js';
import type { LogEvent, Message, MyRoom, Room } from '../../shared/protocol.js';

/**
 * A room as the client holds it. `cursor` is the highest log seq applied: events at or below it
 * are duplicates, an event more than one above it means some were missed (a gap) and must be
 * fetched with `sync` before going on. Messages are kept sorted by seq and unique by id, so a
 * message can arrive from a history page, a send ack, a live event or a sync page, in any
 * order, and still appear once.
 */
export interface RoomView {
  room: MyRoom;
  messages: Message[];
  cursor: number;
  /** The newest history page has been fetched. */
  historyLoaded: boolean;
  /** Older history remains on the server (as far as we know). */
  hasOlder: boolean;
  /**
   * The loaded messages are a window that stops short of the newest (opened around an old
   * message): new messages are not added to it but fetched by paging forward, so what shows
   * never has a hole. False whenever the window reaches the live end, as it does normally.
   */
  hasNewer: boolean;
  /** `room.unread` already counts messages up to this seq (the server's snapshot). */
  unreadCountedTo: number;
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'gap';

export function newRoomView(room: MyRoom): RoomView {
  return {
    room,
    messages: [],
    cursor: room.lastSeq,
    historyLoaded: false,
    hasOlder: true,
    hasNewer: false,
    unreadCountedTo: room.lastSeq,
  };
}

/** Inserts or replaces a message, keeping the list ordered by seq. */
export function upsertMessage(messages: readonly Message[], message: Message): Message[] {
  const existing = messages.findIndex((m) => m.id === message.id);
  if (existing >= 0) {
    const next = messages.slice();
    next[existing] = message;
    return next;
  }
  let index = messages.length;
  while (index > 0 && messages[index - 1]!.seq > message.seq) index--;
  return [...messages.slice(0, index), message, ...messages.slice(index)];
}

function updateMessage(messages: readonly Message[], id: string, change: (m: Message) => Message): Message[] {
  const index = messages.findIndex((m) => m.id === id);
  if (index < 0) return messages as Message[];
  const next = messages.slice();
  next[index] = change(next[index]!);
  return next;
}

/**
 * Replies show an excerpt of the message they quote, as the server built it when it sent them;
 * when that message is edited or deleted, their previews follow, as history would show them.
 * The list is returned unchanged (same array) when nothing quotes the message.
 */
function updateQuotes(
  messages: Message[],
  quotedId: string,
  change: (reply: NonNullable<Message['reply']>) => NonNullable<Message['reply']>,
): Message[] {
  if (!messages.some((m) => m.replyTo === quotedId && m.reply)) return messages;
  return messages.map((m) => (m.replyTo === quotedId && m.reply ? { ...m, reply: change(m.reply) } : m));
}

const quotesOfDeleted = (messages: Message[], deletedId: string) =>
  updateQuotes(messages, deletedId, (reply) => ({ ...reply, text: '', deleted: true }));

/**
 * Applies one room-log event exactly once and in order. A gap leaves the view untouched: the
 * caller syncs from the cursor, which brings the missing events and this one again.
 */
export function applyLogEvent(
  view: RoomView,
  event: LogEvent,
  /** The viewer: a change to their own standing (a mute, a room role) is theirs to show. */
  meId?: string,
): { view: RoomView; outcome: ApplyOutcome } {
  if (event.seq <= view.cursor) return { view, outcome: 'duplicate' };
  if (event.seq > view.cursor + 1) return { view, outcome: 'gap' };
  let { messages, room } = view;
  switch (event.type) {
    case 'message:new':
    case 'message:updated':
      if (event.message.deletedAt !== null) {
        // Replayed after its deletion: it must not reappear.
        messages = quotesOfDeleted(
          messages.filter((m) => m.id !== event.message.id),
          event.message.id,
        );
      } else if (
        (event.type === 'message:new' && !view.hasNewer) ||
        messages.some((m) => m.id === event.message.id)
      ) {
        // An update to a message older than what is loaded needs no placeholder: history
        // pages always carry current state.
        messages = upsertMessage(messages, event.message);
      }
      if (event.type === 'message:updated' && event.message.deletedAt === null) {
        const text = replyExcerpt(event.message.text);
        messages = updateQuotes(messages, event.message.id, (reply) => ({ ...reply, text }));
      }
      break;
    case 'message:deleted':
      messages = quotesOfDeleted(
        messages.filter((m) => m.id !== event.messageId),
        event.messageId,
      );
      break;
    case 'reaction:updated':
      messages = updateMessage(messages, event.messageId, (m) => ({ ...m, reactions: event.reactions }));
      break;
    case 'room:member-joined':
      if (!view.hasNewer) messages = upsertMessage(messages, event.message);
      room = { ...room, memberCount: room.memberCount + 1 };
      break;
    case 'room:member-left':
      if (!view.hasNewer) messages = upsertMessage(messages, event.message);
      room = { ...room, memberCount: Math.max(0, room.memberCount - 1) };
      break;
    case 'room:updated':
      room = mergeRoom(room, event.room);
      break;
    case 'room:member-updated':
      if (event.userId === meId) room = { ...room, myRole: event.role, mutedUntil: event.mutedUntil };
      break;
  }
  room = { ...room, lastSeq: Math.max(room.lastSeq, event.seq) };
  return { view: { ...view, messages, room, cursor: event.seq }, outcome: 'applied' };
}

/** A room snapshot from the server, keeping this user's own fields (read position, peer). */
export function mergeRoom(mine: MyRoom, update: Room | MyRoom): MyRoom {
  return {
    ...mine,
    ...update,
    peer: update.peer ?? mine.peer,
    code: update.code ?? mine.code,
    lastReadSeq: 'lastReadSeq' in update ? update.lastReadSeq : mine.lastReadSeq,
    unread: 'unread' in update ? update.unread : mine.unread,
  };
}

/** Adds a page of history (any order); deleted messages never show. */
export function mergeHistory(view: RoomView, page: readonly Message[], hasOlder: boolean): RoomView {
  let messages = view.messages;
  for (const message of page) if (message.deletedAt === null) messages = upsertMessage(messages, message);
  return { ...view, messages, historyLoaded: true, hasOlder };
}

/**
 * Replaces the loaded messages with a window that need not touch them (history around a
 * message): keeping both would leave a hole between them. Everything but the messages — the
 * cursor, the read position — stays; the cursor is the log's, not the window's.
 */
export function replaceWindow(
  view: RoomView,
  page: readonly Message[],
  edges: { hasOlder: boolean; hasNewer: boolean },
): RoomView {
  const cleared = { ...view, messages: [] as Message[], ...edges };
  return { ...mergeHistory(cleared, page, edges.hasOlder), hasNewer: edges.hasNewer };
}

/** Whether a new message should count as unread for this user. */
export function countsAsUnread(message: Message, meId: string): boolean {
  return message.kind === 'user' && message.author?.id !== meId && message.deletedAt === null;
}

/**
 * How an applied event changes the unread count of a room the user is not reading, `before`
 * being the view it was applied to: a new message from someone else adds one, unless the
 * server's count already included it; deleting one that counted takes it back, as the
 * server's count would (it leaves deleted messages out).
 */
export function unreadChange(before: RoomView, event: LogEvent, meId: string): number {
  if (event.type === 'message:new' && event.message.deletedAt === null) {
    return countsAsUnread(event.message, meId) && event.seq > before.unreadCountedTo ? 1 : 0;
  }
  // A deletion, or a replayed entry of a message deleted since (rebuilt from current rows).
  const deletedId =
    event.type === 'message:deleted'
      ? event.messageId
      : (event.type === 'message:new' || event.type === 'message:updated') && event.message.deletedAt !== null
        ? event.message.id
        : undefined;
  // At or below unreadCountedTo, the server's count was taken after the deletion: nothing to undo.
  if (deletedId === undefined || event.seq <= before.unreadCountedTo) return 0;
  const deleted = before.messages.find((m) => m.id === deletedId);
  return deleted && countsAsUnread(deleted, meId) && deleted.seq > before.room.lastReadSeq ? -1 : 0;
}

/** The newest loaded message seq, to ask for the page after it. */
export function newestSeq(view: RoomView): number | undefined {
  return view.messages.at(-1)?.seq;
}

/** The oldest loaded message seq, to ask for the page before it. */
export function oldestSeq(view: RoomView): number | undefined {
  return view.messages[0]?.seq;
}
