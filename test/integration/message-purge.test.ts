import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse } from '../../src/shared/protocol.js';
import { channelId, closeAllSockets, getJson, ok, register, send, signedIn } from '../helpers/clients.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue #17, spam clean-up: an admin removes every message of one user, in every room. Each
 * removal is a deletion in its room's log — live clients see `message:deleted`, history and a
 * fresh `sync` leave the messages out — and other people's messages stay.
 */
const BACKENDS = [
  { name: 'sqlite', database: async () => ({ url: undefined, drop: async () => {} }) },
  ...(postgresAdminUrl ? [{ name: 'postgres', database: createTestDatabase }] : []),
];

describe.each(BACKENDS)('an admin removes a user’s messages, on $name', (backend) => {
  let server: TestServer;
  let database: { url: string | undefined; drop(): Promise<void> };
  let admin: AuthResponse;

  beforeAll(async () => {
    database = await backend.database();
    server = await startTestServer({ databaseUrl: database.url }, { rateRules: relaxedLimits });
    admin = await register(server.url);
  });
  afterAll(async () => {
    closeAllSockets();
    await server?.close();
    await database?.drop();
  });

  const purge = async (userId: string, token: string | undefined, body: unknown = {}) => {
    const response = await fetch(`${server.url}/api/admin/users/${userId}/purge-messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const texts = async (roomId: string, token: string) =>
    (await getJson(`${server.url}/api/rooms/${roomId}/messages?limit=100`, token)).body.messages.map(
      (m: { text: string }) => m.text,
    );

  it('removes them in every room, live and in history and replay; others’ stay; audited', async () => {
    const spammer = await signedIn(server.url);
    const member = await signedIn(server.url);
    const general = await channelId(member.socket, 'general');
    const { room } = await ok(member.socket, 'room:create', {
      kind: 'channel',
      name: `spam-${randomUUID().slice(0, 8)}`,
    });
    await ok(spammer.socket, 'room:join', { roomId: room.id });
    const spam: string[] = [];
    // More than one write job's worth (services/user-admin.ts PURGE_BATCH is 200).
    for (let i = 0; i < 230; i++)
      spam.push((await send(spammer.socket, i % 2 ? general : room.id, `buy now ${i}`)).message.id);
    await send(member.socket, general, 'a real message');
    await send(member.socket, room.id, 'another real one');
    const { message: quoted } = await send(spammer.socket, room.id, 'quote me');
    spam.push(quoted.id);
    await ok(member.socket, 'message:send', {
      roomId: room.id,
      clientMsgId: randomUUID(),
      text: 'replying',
      replyTo: quoted.id,
    });

    const done = await purge(spammer.user.id, admin.token);
    expect(done).toEqual({ status: 200, body: { deleted: spam.length } });

    // Live: the member, in both rooms, got a deletion for each.
    await member.recorder.wait('message:deleted', (e) => e.messageId === quoted.id);
    const deleted = member.recorder.of('message:deleted').map((e) => e.messageId);
    expect(deleted.sort()).toEqual([...spam].sort());
    // History: only the real messages (and the reply, whose quote shows deleted).
    expect(await texts(room.id, member.token)).toEqual([
      'replying',
      'another real one',
      `${spammer.user.username} joined`,
    ]);
    expect((await texts(general, member.token)).filter((t: string) => t.startsWith('buy now'))).toEqual([]);
    expect(await texts(general, member.token)).toContain('a real message');
    const history = await getJson(`${server.url}/api/rooms/${room.id}/messages?limit=100`, member.token);
    expect(history.body.messages[0].reply).toMatchObject({ id: quoted.id, deleted: true, text: '' });
    // A fresh replay from 0 ends with the same deletions.
    const replay = await ok(member.socket, 'sync', { cursors: { [room.id]: 0 } });
    const replayed = replay.events.filter((e) => e.type === 'message:deleted').map((e) => e.messageId);
    expect(replayed.sort()).toEqual(spam.filter((_, i) => i % 2 === 0 || i === spam.length - 1).sort());
    expect(JSON.stringify(replay.events)).not.toMatch(/buy now|quote me/);
    // Again: nothing left to remove.
    expect((await purge(spammer.user.id, admin.token)).body).toEqual({ deleted: 0 });

    const audit = await getJson(
      `${server.url}/api/admin/audit?target=${spammer.user.id}&action=user.purge-messages`,
      admin.token,
    );
    expect(audit.body.entries.at(-1)).toMatchObject({
      action: 'user.purge-messages',
      detail: { messages: spam.length, rooms: 2 },
    });
  });

  it('refuses moderators and members (403), an unknown user is 404', async () => {
    const spammer = await signedIn(server.url);
    const general = await channelId(spammer.socket, 'general');
    await send(spammer.socket, general, 'spam');
    const moderator = await register(server.url);
    await fetch(`${server.url}/api/admin/users/${moderator.user.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ role: 'moderator' }),
    });
    const member = await register(server.url);
    expect((await purge(spammer.user.id, moderator.token)).status).toBe(403);
    expect((await purge(spammer.user.id, member.token)).status).toBe(403);
    expect((await purge(spammer.user.id, undefined)).status).toBe(401);
    expect((await purge('nobody', admin.token)).status).toBe(404);
    expect(await texts(general, admin.token)).toContain('spam');
  });

  it('deactivates first when asked: the socket closes, the messages go', async () => {
    const spammer = await signedIn(server.url);
    const general = await channelId(spammer.socket, 'general');
    await send(spammer.socket, general, 'spam again');
    const closed = new Promise((resolve) => spammer.socket.on('disconnect', resolve));
    expect((await purge(spammer.user.id, admin.token, { deactivate: true })).body).toEqual({ deleted: 1 });
    await closed;
    expect((await getJson(`${server.url}/api/me`, spammer.token)).status).toBe(401);
    expect(await texts(general, admin.token)).not.toContain('spam again');
  });
});
