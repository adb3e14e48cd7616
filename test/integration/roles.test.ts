import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRole } from '../../src/shared/protocol.js';
import { call, channelId, connect, getJson, guest, ok, register, send } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue #17, roles: the first account on a fresh server is its admin; the seeded channels
 * belong to the server and its staff moderate them; a role changed in the store counts at
 * the next action, not at the next sign-in.
 */
describe('server roles', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits });
  });
  afterAll(() => server.close());

  /** From another connection to the database file, as the operator CLI changes a role. */
  function setRole(userId: string, role: ServerRole) {
    const db = new SQLite(path.join(server.dataDir, 'parley.sqlite'));
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('UPDATE users SET role = ? WHERE id = ?').run(role, userId);
    } finally {
      db.close();
    }
  }

  it('makes the first account admin, later ones members and guests guests — not a guest who came first', async () => {
    const visitor = await guest(server.url);
    expect(visitor.user.role).toBe('guest');
    const first = await register(server.url);
    expect(first.user.role).toBe('admin');
    const second = await register(server.url);
    expect(second.user.role).toBe('member');
    const me = await getJson(`${server.url}/api/me`, first.token);
    expect(me.body.user).toEqual({ ...first.user, role: 'admin' });
    // Others never see anyone's server role.
    const socket = await connect(server.url, second.token);
    const { users } = await ok(socket, 'users:search', { query: first.user.username.slice(0, 5) });
    expect(users.find((u) => u.id === first.user.id)).not.toHaveProperty('role');
    socket.disconnect();
  });

  it('lets staff delete anyone’s message in a seeded channel, and nobody else', async () => {
    const admin = await register(server.url);
    const writer = await register(server.url);
    const bystander = await register(server.url);
    const sockets = await Promise.all(
      [admin, writer, bystander].map((who) => connect(server.url, who.token)),
    );
    const [adminSocket, writerSocket, bystanderSocket] = sockets as [
      (typeof sockets)[0],
      (typeof sockets)[0],
      (typeof sockets)[0],
    ];
    const general = await channelId(writerSocket, 'general');
    const { message } = await send(writerSocket, general, 'spam spam spam');
    const refused = await call(bystanderSocket, 'message:delete', { messageId: message.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Not an admin yet either (this server's admin is the first test's account).
    expect(await call(adminSocket, 'message:delete', { messageId: message.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    // Made a server moderator in the store (as the operator CLI does): it counts at once, on
    // the socket that is already open.
    setRole(admin.user.id, 'moderator');
    expect(await call(adminSocket, 'message:delete', { messageId: message.id })).toMatchObject({ ok: true });
    // And demoted, it is gone at once.
    const { message: another } = await send(writerSocket, general, 'more spam');
    setRole(admin.user.id, 'member');
    expect(await call(adminSocket, 'message:delete', { messageId: another.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    for (const socket of sockets) socket.disconnect();
  });

  it('keeps staff out of private groups: a group is moderated by its owner', async () => {
    const owner = await register(server.url);
    const member = await register(server.url);
    const staff = await register(server.url);
    setRole(staff.user.id, 'moderator');
    const ownerSocket = await connect(server.url, owner.token);
    const memberSocket = await connect(server.url, member.token);
    const staffSocket = await connect(server.url, staff.token);
    const { room } = await ok(ownerSocket, 'room:create', {
      kind: 'group',
      name: 'private plans',
      memberIds: [member.user.id, staff.user.id],
    });
    const { message } = await send(memberSocket, room.id, 'just between us');
    expect(await call(staffSocket, 'message:delete', { messageId: message.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await call(ownerSocket, 'message:delete', { messageId: message.id })).toMatchObject({ ok: true });
    for (const socket of [ownerSocket, memberSocket, staffSocket]) socket.disconnect();
  });
});
