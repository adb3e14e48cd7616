import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOG_EVENT_TYPES } from '../../src/shared/protocol.js';
import { call, closeAllSockets, ok, type Recorder, settle, signedIn, until } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Live events leave the server in seq order. Changes that commit in one batch (they arrived
 * in the same turn of the event loop) used to be broadcast at the end of each handler's own
 * promise chain, so a leave could overtake the message committed before it: the room saw
 * `member-left@n+1` before `message:new@n`, and the leaver never got message n.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { rateRules: relaxedLimits });
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  await server.close();
});

const LOG_TYPES = new Set<string>(LOG_EVENT_TYPES);
/** The room's log events in the order this socket received them. */
const logOf = (recorder: Recorder, roomId: string) =>
  recorder.events
    .filter((e) => LOG_TYPES.has(e.event) && e.payload.roomId === roomId)
    .map((e) => ({ type: e.event, seq: e.payload.seq as number }));
const inSeqOrder = (events: { seq: number }[]) =>
  events.every((e, i) => i === 0 || e.seq > events[i - 1]!.seq);

describe('live order within a node', () => {
  it('broadcasts a send and a leave of the same tick in seq order, and the leaver gets what came first', async () => {
    const TRIALS = 8;
    let sameBatch = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const alice = await signedIn(server.url);
      const bob = await signedIn(server.url);
      const carol = await signedIn(server.url);
      const { room } = await ok(alice.socket, 'room:create', {
        kind: 'group',
        name: `order ${trial}`,
        memberIds: [bob.user.id, carol.user.id],
      });
      await carol.recorder.wait('room:added', (e) => e.room.id === room.id);
      await bob.recorder.wait('room:added', (e) => e.room.id === room.id);

      // Emitted in the same tick from two sockets: they commit in one batch.
      const [sent, left] = await Promise.all([
        call(alice.socket, 'message:send', { roomId: room.id, clientMsgId: randomUUID(), text: `m${trial}` }),
        call(bob.socket, 'room:leave', { roomId: room.id }),
      ]);
      if (!sent.ok || !left.ok) throw new Error(`trial ${trial}: ${JSON.stringify({ sent, left })}`);
      const leftEvent = await carol.recorder.wait(
        'room:member-left',
        (e) => e.roomId === room.id && e.userId === bob.user.id,
      );
      await carol.recorder.wait('message:new', (e) => e.message.id === sent.message.id);
      if (Math.abs(leftEvent.seq - sent.message.seq) === 1) sameBatch++;

      expect(inSeqOrder(logOf(carol.recorder, room.id)), JSON.stringify(logOf(carol.recorder, room.id))).toBe(
        true,
      );
      if (sent.message.seq < leftEvent.seq) {
        // Committed while Bob was still a member: he must get it, before his own leave.
        await bob.recorder.wait('message:new', (e) => e.message.id === sent.message.id);
        expect(inSeqOrder(logOf(bob.recorder, room.id))).toBe(true);
      } else {
        await settle(100);
        expect(bob.recorder.of('message:new').some((e) => e.message.id === sent.message.id)).toBe(false);
      }
    }
    // The point of the test is the same batch; most trials must have produced one.
    expect(sameBatch).toBeGreaterThan(TRIALS / 2);
  });

  it('never shows a joiner a message with a seq below its own join, and always one above it', async () => {
    const TRIALS = 8;
    for (let trial = 0; trial < TRIALS; trial++) {
      const alice = await signedIn(server.url);
      const dave = await signedIn(server.url);
      const { room } = await ok(alice.socket, 'room:create', {
        kind: 'channel',
        name: `join-order-${randomUUID().slice(0, 8)}`,
      });
      const [sent, joined] = await Promise.all([
        call(alice.socket, 'message:send', { roomId: room.id, clientMsgId: randomUUID(), text: `j${trial}` }),
        call(dave.socket, 'room:join', { roomId: room.id }),
      ]);
      if (!sent.ok || !joined.ok) throw new Error(`trial ${trial}: ${JSON.stringify({ sent, joined })}`);
      const joinEvent = await alice.recorder.wait(
        'room:member-joined',
        (e) => e.roomId === room.id && e.user.id === dave.user.id,
      );
      if (sent.message.seq > joinEvent.seq) {
        await dave.recorder.wait('message:new', (e) => e.message.id === sent.message.id);
      } else {
        await settle(100);
      }
      const daveSeqs = logOf(dave.recorder, room.id);
      expect(
        daveSeqs.filter((e) => e.seq < joinEvent.seq),
        JSON.stringify(daveSeqs),
      ).toEqual([]);
      expect(inSeqOrder(daveSeqs)).toBe(true);
    }
  });

  it('sends what the live stream showed, and the same again on replay', async () => {
    const alice = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const carol = await signedIn(server.url);
    const { room } = await ok(alice.socket, 'room:create', {
      kind: 'group',
      name: 'live and replay',
      memberIds: [bob.user.id, carol.user.id],
    });
    await carol.recorder.wait('room:added', (e) => e.room.id === room.id);
    const before = (await ok(carol.socket, 'rooms:list')).rooms.find((r) => r.id === room.id)!.lastSeq;
    // Every kind of log entry, several in the same tick.
    const first = await call(alice.socket, 'message:send', {
      roomId: room.id,
      clientMsgId: randomUUID(),
      text: 'a',
    });
    if (!first.ok) throw new Error('send failed');
    await Promise.all([
      call(bob.socket, 'message:send', { roomId: room.id, clientMsgId: randomUUID(), text: 'b' }),
      call(alice.socket, 'message:edit', { messageId: first.message.id, text: 'a, edited' }),
      call(bob.socket, 'reaction:toggle', { messageId: first.message.id, emoji: '👍' }),
      call(alice.socket, 'room:leave', { roomId: room.id }),
    ]);
    const dave = await signedIn(server.url);
    await Promise.all([
      call(bob.socket, 'room:add-member', { roomId: room.id, userId: dave.user.id }),
      call(bob.socket, 'message:delete', { messageId: first.message.id }),
    ]);
    const { lastSeq } = (await ok(carol.socket, 'rooms:list')).rooms.find((r) => r.id === room.id)!;
    await until(() => logOf(carol.recorder, room.id).at(-1)?.seq === lastSeq, 5_000, 'every live event');

    const live = logOf(carol.recorder, room.id).filter((e) => e.seq > before);
    const replay = await ok(carol.socket, 'sync', { cursors: { [room.id]: before } });
    expect(live).toEqual(replay.events.map((e) => ({ type: e.type, seq: e.seq })));
    expect(live.map((e) => e.seq)).toEqual(
      Array.from({ length: lastSeq - before }, (_, i) => before + i + 1),
    );
  });
});
