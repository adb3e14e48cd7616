import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, closeAllSockets, getJson, ok, send, signedIn } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/** Issue #16: "Mark as unread" from a message moves the read position back to just before it. */
describe('room:unread', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits });
  });
  afterAll(async () => {
    closeAllSockets();
    await server?.close();
  });

  async function roomWithFive() {
    const alice = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const { room } = await ok(alice.socket, 'room:create', {
      kind: 'group',
      name: 'unread',
      memberIds: [bob.user.id],
    });
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) seqs.push((await send(bob.socket, room.id, `n${i}`)).message.seq);
    await ok(alice.socket, 'room:read', { roomId: room.id, seq: seqs[4]! });
    return { alice, bob, room, seqs };
  }
  const unreadOf = async (token: string, roomId: string) =>
    (await getJson(`${server.url}/api/rooms`, token)).body.rooms.find((r: { id: string }) => r.id === roomId);

  it('moves the read position back to just before the message, and says what is unread', async () => {
    const { alice, room, seqs } = await roomWithFive();
    const ack = await ok(alice.socket, 'room:unread', { roomId: room.id, seq: seqs[2]! });
    expect(ack).toMatchObject({ lastReadSeq: seqs[2]! - 1, unread: 3 });
    expect(await unreadOf(alice.token, room.id)).toMatchObject({ lastReadSeq: seqs[2]! - 1, unread: 3 });
    // Forward again with room:read, back again with room:unread.
    await ok(alice.socket, 'room:read', { roomId: room.id, seq: seqs[4]! });
    expect((await unreadOf(alice.token, room.id)).unread).toBe(0);
    expect(await ok(alice.socket, 'room:unread', { roomId: room.id, seq: seqs[4]! })).toMatchObject({
      unread: 1,
    });
  });

  it('never goes below 0 nor past the end of the log', async () => {
    const { alice, room, seqs } = await roomWithFive();
    expect(await ok(alice.socket, 'room:unread', { roomId: room.id, seq: 0 })).toMatchObject({
      lastReadSeq: 0,
      unread: 5,
    });
    expect(await ok(alice.socket, 'room:unread', { roomId: room.id, seq: 1_000_000 })).toMatchObject({
      lastReadSeq: seqs[4],
      unread: 0,
    });
  });

  it('refuses bad input and rooms the caller is not in', async () => {
    const { alice, room } = await roomWithFive();
    const outsider = await signedIn(server.url);
    for (const payload of [
      {},
      { roomId: room.id },
      { roomId: room.id, seq: -1 },
      { roomId: room.id, seq: 1.5 },
      { roomId: room.id, seq: '3' },
      { roomId: room.id, seq: 3, extra: true },
    ]) {
      const ack = await call(alice.socket, 'room:unread', payload as never);
      expect({ payload, ack }).toMatchObject({ payload, ack: { ok: false, error: { code: 'bad_request' } } });
    }
    const refused = await call(outsider.socket, 'room:unread', { roomId: room.id, seq: 2 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // Nothing changed for the outsider's attempt.
    expect((await unreadOf(alice.token, room.id)).unread).toBe(0);
  });
});
