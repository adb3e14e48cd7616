import { LOG_EVENT_TYPES, type LogEvent, type LogEventType } from '../../src/shared/protocol.js';
import { type ClientSocket, connect, type Recorder, send } from './clients.js';
import {
  applyLive,
  buildState,
  type ClientRooms,
  comparable,
  isLogEvent,
  messagesOf,
  type OwnAck,
  type Reader,
  type Received,
  replayFromZero,
  syncAll,
} from './replay-state.js';

/** A user whose client is checked: their reader, and the recorder on its live socket. */
export interface Observer extends Reader {
  name: string;
  recorder: Recorder;
}

/** What one action looked like to every observer, for the test to compare (issue #15). */
export interface Report {
  /** Gaps, double deliveries, events for unknown rooms, events no current member can replay. */
  problems: string[];
  observed: { log: LogEventType[]; ephemeral: string[] };
  /** Per observer and room: the live log events, and the same seqs replayed by `sync`. */
  events: { live: Record<string, LogEvent[]>; replayed: Record<string, LogEvent[]> };
  /** Per observer: before-state + live events, and a new client's state. */
  live: Record<string, ReturnType<typeof comparable>>;
  fresh: Record<string, ReturnType<typeof comparable>>;
  /** Per observer: messages from history pages, and from the log replayed from 0. */
  history: Record<string, ReturnType<typeof messagesOf>>;
  fromZero: Record<string, ReturnType<typeof messagesOf>>;
}

/**
 * Zulip's `verify_action` for one action: takes each observer's state from the server, runs the
 * action, waits for a marker message posted after it (live order is commit order on one node,
 * so once the marker is in, everything before it is), applies what each observer received to
 * its old state, and builds the state again on a new connection. Also replays from `sync`
 * every room that moved, to compare with the live events seq by seq.
 */
export async function verifyAction(options: {
  url: string;
  label: string;
  observers: readonly Observer[];
  /** Who posts the marker (not an observer), and where: a room every observer is in. */
  marker: { socket: ClientSocket; roomId: string };
  /** Does the action; returns what each actor's client did with its own ack, by observer name. */
  act(): Promise<Partial<Record<string, OwnAck[]>>>;
}): Promise<Report> {
  const { observers } = options;
  const starts = observers.map((o) => o.recorder.events.length);
  const problems: string[] = [];
  const before = await Promise.all(observers.map((o) => buildState(o, problems)));
  const acks = await options.act();

  const { message: marker } = await send(
    options.marker.socket,
    options.marker.roomId,
    `after ${options.label}`,
  );
  const isMarker = (r: Received) => r.event === 'message:new' && r.payload.message.id === marker.id;
  await Promise.all(observers.map((o) => o.recorder.wait('message:new', (e) => e.message.id === marker.id)));
  const windows = observers.map((o, i) => {
    const received = o.recorder.events.slice(starts[i]);
    return received.slice(0, received.findIndex(isMarker) + 1);
  });
  const observed = windows.flat().filter((r) => !isMarker(r));
  const logOf = (i: number, roomId?: string) =>
    windows[i]!.filter(isLogEvent)
      .map((r) => r.payload as LogEvent)
      .filter((e) => roomId === undefined || e.roomId === roomId);

  const readers = await Promise.all(
    observers.map(async (o) => ({ ...o, socket: await connect(options.url, o.token) })),
  );
  try {
    const live = await Promise.all(
      observers.map((o, i) => applyLive(o, before[i]!, acks[o.name] ?? [], windows[i]!)),
    );
    const fresh = await Promise.all(readers.map((r) => buildState(r, problems)));
    const fromZero = await Promise.all(readers.map((r, i) => replayFromZero(r, fresh[i]!, problems)));
    problems.push(...live.flatMap((l, i) => l.problems.map((p) => `${observers[i]!.name}: ${p}`)));

    // Replay every room that moved, from the earliest seq any observer needs, as a current member.
    const touched = new Set(observers.flatMap((_, i) => logOf(i).map((e) => e.roomId)));
    observers.forEach((_, i) => {
      for (const [id, view] of Object.entries(fresh[i]!))
        if (before[i]![id] && view.cursor > before[i]![id]!.cursor) touched.add(id);
    });
    const cursorsOf = new Map<number, Record<string, number>>();
    for (const roomId of touched) {
      const reader = fresh.findIndex((state) => state[roomId]);
      if (reader < 0) {
        problems.push(`no observer is left in ${roomId} to replay its live events`);
        continue;
      }
      const from = Math.min(
        ...observers.flatMap((_, i) => [
          before[i]![roomId]?.cursor ?? Infinity,
          ...logOf(i, roomId).map((e) => e.seq - 1),
        ]),
      );
      cursorsOf.set(reader, { ...cursorsOf.get(reader), [roomId]: from });
    }
    const replay = new Map<string, LogEvent>();
    for (const [reader, cursors] of cursorsOf) {
      for (const event of (await syncAll(readers[reader]!.socket, cursors)).events)
        replay.set(`${event.roomId}#${event.seq}`, event);
    }
    const events: Report['events'] = { live: {}, replayed: {} };
    observers.forEach((o, i) => {
      for (const roomId of touched) {
        const got = logOf(i, roomId);
        let want: (LogEvent | undefined)[];
        if (fresh[i]![roomId]) {
          // Still a member: every entry after its old cursor (or its first live one) must have come.
          const from = before[i]![roomId]?.cursor ?? (got[0] ? got[0].seq - 1 : Infinity);
          want = [...replay.values()].filter((e) => e.roomId === roomId && e.seq > from);
        } else want = got.map((e) => replay.get(`${roomId}#${e.seq}`));
        if (got.length + want.length === 0) continue;
        events.live[`${o.name} ${roomId}`] = got;
        events.replayed[`${o.name} ${roomId}`] = want as LogEvent[];
      }
    });

    const byName = <T>(values: T[]) => Object.fromEntries(observers.map((o, i) => [o.name, values[i]!]));
    return {
      problems,
      observed: {
        log: LOG_EVENT_TYPES.filter((type) => observed.some((r) => r.event === type)),
        ephemeral: [
          ...new Set(
            observed.flatMap((r) =>
              r.event === 'room:deleted'
                ? [`room:deleted (${r.payload.reason})`]
                : r.event === 'room:added' || r.event === 'match:found'
                  ? [r.event]
                  : [],
            ),
          ),
        ].sort(),
      },
      events,
      live: byName(live.map((l) => comparable(l.rooms))),
      fresh: byName(fresh.map((state: ClientRooms) => comparable(state))),
      history: byName(fresh.map(messagesOf)),
      fromZero: byName(fromZero),
    };
  } finally {
    for (const reader of readers) reader.socket.disconnect();
  }
}
