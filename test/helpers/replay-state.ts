import {
  type HistoryPage,
  LOG_EVENT_TYPES,
  type LogEvent,
  type MemberLeftEvent,
  type MyRoom,
} from '../../src/shared/protocol.js';
import {
  applyLogEvent,
  mergeHistory,
  newRoomView,
  type RoomView,
  unreadChange,
} from '../../src/web/state/log.js';
import { type ClientSocket, getJson, ok } from './clients.js';

/**
 * A client's rooms built the way the web client builds them (src/web/state/client.ts), with its
 * own reducer (src/web/state/log.ts): from the server (rooms:list, history pages, sync) or by
 * applying live events to an earlier state. Tests compare the two (issue #15).
 */
export type ClientRooms = Record<string, RoomView>;

/** One user's way in: a token for the HTTP history, a socket for rooms:list and sync. */
export interface Reader {
  url: string;
  userId: string;
  token: string;
  socket: ClientSocket;
}

export interface Received {
  event: string;
  payload: any;
}

/** What the acting client does with its own ack: client.ts `enter` adds the room, `leave` drops it. */
export type OwnAck = { add: MyRoom } | { drop: string };

const LOG_TYPES = new Set<string>(LOG_EVENT_TYPES);
export const isLogEvent = (received: Received) => LOG_TYPES.has(received.event);

/** Every history page of the room merged in, newest first, as scrolling back to the start would. */
export async function loadHistory(reader: Reader, view: RoomView): Promise<RoomView> {
  let before: number | null = null;
  do {
    const query: string = before === null ? '' : `&before=${before}`;
    const { status, body } = await getJson(
      `${reader.url}/api/rooms/${view.room.id}/messages?limit=100${query}`,
      reader.token,
    );
    if (status !== 200) throw new Error(`history of ${view.room.id}: ${status} ${JSON.stringify(body)}`);
    const page = body as HistoryPage;
    view = mergeHistory(view, page.messages, page.nextBefore !== null);
    // client.ts mergePage: a page older than the cursor steps it back, to replay from the page.
    if (view.cursor > page.lastSeq) view = { ...view, cursor: page.lastSeq };
    before = page.nextBefore;
  } while (before !== null);
  return view;
}

/** `sync` page after page until `more` is false; the cursors advance with what came back. */
export async function syncAll(
  socket: ClientSocket,
  start: Record<string, number>,
): Promise<{ events: LogEvent[]; gone: string[] }> {
  const cursors = { ...start };
  const events: LogEvent[] = [];
  const gone = new Set<string>();
  for (let more = Object.keys(cursors).length > 0; more; ) {
    const page = await ok(socket, 'sync', { cursors });
    for (const event of page.events) cursors[event.roomId] = Math.max(cursors[event.roomId]!, event.seq);
    for (const roomId of page.gone) gone.add(roomId);
    if (page.more && page.events.length === 0) throw new Error('sync says more but returned nothing');
    events.push(...page.events);
    more = page.more;
  }
  return { events, gone: [...gone] };
}

/** Applies replayed events in order; anything but "applied" means the replay itself is broken. */
function applyReplay(
  rooms: ClientRooms,
  events: readonly LogEvent[],
  problems: string[],
  meId: string,
): ClientRooms {
  const next = { ...rooms };
  for (const event of events) {
    const view = next[event.roomId];
    if (!view) continue;
    const result = applyLogEvent(view, event, meId);
    if (result.outcome !== 'applied') problems.push(`sync ${event.type} #${event.seq}: ${result.outcome}`);
    next[event.roomId] = result.view;
  }
  return next;
}

/** What a client starting now holds: rooms:list, all history, then sync from each cursor. */
export async function buildState(reader: Reader, problems: string[] = []): Promise<ClientRooms> {
  const { rooms } = await ok(reader.socket, 'rooms:list');
  let state: ClientRooms = {};
  for (const room of rooms) state[room.id] = await loadHistory(reader, newRoomView(room));
  const cursors = Object.fromEntries(Object.values(state).map((v) => [v.room.id, v.cursor]));
  const { events, gone } = await syncAll(reader.socket, cursors);
  state = applyReplay(state, events, problems, reader.userId);
  for (const roomId of gone) delete state[roomId];
  return state;
}

/**
 * Each room's messages rebuilt from its whole log (sync from 0), with no history page at all.
 * Only messages and the cursor are comparable: the room snapshot cannot be replayed from 0,
 * since the reducer counts joins and leaves on top of whatever snapshot it starts from, and
 * founding members (room:create, dm:open, matches) have no "joined" entry in the log.
 */
export async function replayFromZero(reader: Reader, current: ClientRooms, problems: string[]) {
  const empty: ClientRooms = Object.fromEntries(
    Object.values(current).map((v) => [v.room.id, { ...newRoomView(v.room), cursor: 0 }]),
  );
  const { events } = await syncAll(
    reader.socket,
    Object.fromEntries(Object.keys(empty).map((id) => [id, 0])),
  );
  return messagesOf(applyReplay(empty, events, problems, reader.userId));
}

export const messagesOf = (rooms: ClientRooms) =>
  Object.fromEntries(
    Object.entries(rooms).map(([id, v]) => [id, { messages: v.messages, cursor: v.cursor }]),
  );

/**
 * Applies what a client received live to the state it held before, as client.ts does for a
 * room that is not open: its own acks first (they precede the broadcast on the socket, see
 * services/index.ts), then every event in arrival order. A room added live (room:added,
 * match:found, an ack) gets its history loaded, as opening it would. Anything the web client
 * would have to repair with a resync — a gap, an event received twice — is a problem.
 */
export async function applyLive(
  reader: Reader,
  before: ClientRooms,
  acks: readonly OwnAck[],
  received: readonly Received[],
): Promise<{ rooms: ClientRooms; problems: string[] }> {
  const rooms: ClientRooms = { ...before };
  const problems: string[] = [];
  const droppedByAck = new Set<string>();
  const seen = new Set<string>();
  // Log events of a room this client does not know yet. The web client answers one with
  // rooms:list + sync; here it must be covered by the room's snapshot when that arrives (an
  // added group member gets its own "joined" line just before room:added, broadcaster.ts).
  const early: LogEvent[] = [];
  const add = async (room: MyRoom) => {
    if (!rooms[room.id]) rooms[room.id] = await loadHistory(reader, newRoomView(room));
  };

  for (const ack of acks) {
    if ('add' in ack) await add(ack.add);
    else {
      delete rooms[ack.drop];
      droppedByAck.add(ack.drop);
    }
  }
  for (const { event, payload } of received) {
    if (event === 'room:added' || event === 'match:found') await add(payload.room);
    else if (event === 'room:deleted') delete rooms[payload.roomId];
    if (!LOG_TYPES.has(event)) continue;
    const logEvent = payload as LogEvent;
    const key = `${logEvent.roomId}#${logEvent.seq}`;
    if (seen.has(key)) problems.push(`${event} ${key} received twice`);
    seen.add(key);
    const view = rooms[logEvent.roomId];
    if (!view) {
      // The leaver's own "left" line follows the ack by which it already dropped the room.
      const ownLeave =
        logEvent.type === 'room:member-left' && (logEvent as MemberLeftEvent).userId === reader.userId;
      if (!(ownLeave && droppedByAck.has(logEvent.roomId))) early.push(logEvent);
      continue;
    }
    const { view: next, outcome } = applyLogEvent(view, logEvent, reader.userId);
    if (outcome === 'gap') problems.push(`${event} ${key} after cursor ${view.cursor}: a gap`);
    if (outcome !== 'applied') continue;
    // state/sync.ts `receive` for a room that is not open, with the client's own rule.
    const change = unreadChange(view, logEvent, reader.userId);
    rooms[logEvent.roomId] =
      change === 0
        ? next
        : { ...next, room: { ...next.room, unread: Math.max(0, next.room.unread + change) } };
  }
  for (const event of early) {
    const view = rooms[event.roomId];
    if (!view || event.seq > view.cursor) {
      problems.push(`${event.type} ${event.roomId}#${event.seq} for a room the client never learned of`);
    }
  }
  return { rooms, problems };
}

/**
 * The part of a client's rooms that must match the server's. `unreadCountedTo` is left out: it
 * records when this client took the server's unread count, so it differs by construction
 * between a state taken before an action and one taken after.
 */
export function comparable(rooms: ClientRooms) {
  return Object.fromEntries(
    Object.entries(rooms).map(([id, { unreadCountedTo: _taken, ...view }]) => [id, view]),
  );
}

export interface Difference {
  path: string;
  live: unknown;
  fresh: unknown;
}

/** Where two plain values differ, leaf by leaf: what a known disagreement is pinned to. */
export function differences(live: unknown, fresh: unknown, path = ''): Difference[] {
  if (Object.is(live, fresh)) return [];
  if (
    live &&
    fresh &&
    typeof live === 'object' &&
    typeof fresh === 'object' &&
    Array.isArray(live) === Array.isArray(fresh)
  ) {
    const a = live as Record<string, unknown>;
    const b = fresh as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) =>
      differences(a[key], b[key], Array.isArray(live) ? `${path}[${key}]` : path ? `${path}.${key}` : key),
    );
  }
  return [{ path, live, fresh }];
}
