import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/shared/protocol.js';
import { channelId, closeAllSockets, getJson, ok, signedIn } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { rateRules: relaxedLimits });
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  await server.close();
});

/** A client that prints `text` for every message must print something readable for these too. */
describe('system lines (joins and leaves)', () => {
  it('carry their kind, their event and a readable text, live, in history and in sync alike', async () => {
    const alice = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const roomId = await channelId(alice.socket, 'tech');
    await ok(alice.socket, 'room:join', { roomId });
    const { lastSeq: before } = await ok(alice.socket, 'rooms:list').then(
      ({ rooms }) => rooms.find((room) => room.id === roomId)!,
    );

    await ok(bob.socket, 'room:join', { roomId });
    const joined = await alice.recorder.wait(
      'room:member-joined',
      (e) => e.roomId === roomId && e.user.id === bob.user.id,
    );
    expect(joined.message).toMatchObject({
      kind: 'system',
      system: 'joined',
      author: { id: bob.user.id, username: bob.user.username },
      text: `${bob.user.username} joined`,
    });

    await ok(bob.socket, 'room:leave', { roomId });
    const left = await alice.recorder.wait(
      'room:member-left',
      (e) => e.roomId === roomId && e.userId === bob.user.id,
    );
    expect(left.message).toMatchObject({ kind: 'system', system: 'left', text: `${bob.user.username} left` });

    // History: the same two lines, as the live events carried them.
    const history = await getJson(`${server.url}/api/rooms/${roomId}/messages?limit=50`, alice.token);
    expect(history.status).toBe(200);
    const lines = (history.body.messages as Message[])
      .filter((m) => m.author?.id === bob.user.id)
      .sort((a, b) => a.seq - b.seq);
    expect(lines).toEqual([joined.message, left.message]);
    // No message of any kind has an empty text to print.
    expect((history.body.messages as Message[]).filter((m) => !m.deletedAt && m.text.trim() === '')).toEqual(
      [],
    );

    // Replay (sync): the events built fresh from the rows say the same.
    const { events } = await ok(alice.socket, 'sync', { cursors: { [roomId]: before } });
    const replayed = events.filter((e) => e.type === 'room:member-joined' || e.type === 'room:member-left');
    expect(replayed.map((e) => ('message' in e ? e.message : null))).toEqual([joined.message, left.message]);
  });
});
