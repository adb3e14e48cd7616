import { describe, expect, it } from 'vitest';
import { channelId, connect, getJson, ok, Recorder, register, send } from '../helpers/clients.js';
import { serverWithAdmin } from '../helpers/server.js';

/**
 * Issue #17, the admin page's people and dashboard over HTTP: who may see and change whom,
 * deactivation that closes a user's open sockets at once, one-time sign-in links, and figures.
 */
describe('people and the dashboard for admins', () => {
  const suite = serverWithAdmin();

  const request = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const response = await fetch(`${suite.server.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  it('lists people for staff, with role, status and presence; members are refused', async () => {
    const member = await register(suite.server.url);
    const socket = await connect(suite.server.url, member.token);
    const listed = await getJson(
      `${suite.server.url}/api/admin/users?query=${member.user.username}`,
      suite.admin.token,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.users).toEqual([
      expect.objectContaining({ id: member.user.id, role: 'member', online: true, deactivated: false }),
    ]);
    expect((await getJson(`${suite.server.url}/api/admin/users`, member.token)).status).toBe(403);
    expect((await getJson(`${suite.server.url}/api/admin/users`)).status).toBe(401);
    expect((await getJson(`${suite.server.url}/api/admin/users?limit=0`, suite.admin.token)).status).toBe(
      400,
    );
    socket.disconnect();
  });

  it('promotes and demotes, never the last admin, and never by a member', async () => {
    const member = await register(suite.server.url);
    const promoted = await request('PATCH', `/api/admin/users/${member.user.id}`, suite.admin.token, {
      role: 'moderator',
    });
    expect(promoted).toMatchObject({ status: 200, body: { user: { role: 'moderator' } } });
    // A moderator sees the list but changes nobody.
    expect((await getJson(`${suite.server.url}/api/admin/users`, member.token)).status).toBe(200);
    const byModerator = await request('PATCH', `/api/admin/users/${suite.admin.user.id}`, member.token, {
      role: 'member',
    });
    expect(byModerator.status).toBe(403);
    const lastAdmin = await request('PATCH', `/api/admin/users/${suite.admin.user.id}`, suite.admin.token, {
      role: 'member',
    });
    expect(lastAdmin.status).toBe(409);
    expect(lastAdmin.body.detail).toMatch(/last admin/);
    expect((await request('PATCH', `/api/admin/users/${member.user.id}`, suite.admin.token, {})).status).toBe(
      400,
    );
    expect(
      (await request('PATCH', `/api/admin/users/${member.user.id}`, suite.admin.token, { role: 'bot' }))
        .status,
    ).toBe(400);
    expect(
      (await request('PATCH', '/api/admin/users/nobody', suite.admin.token, { role: 'member' })).status,
    ).toBe(404);
    const audit = await getJson(
      `${suite.server.url}/api/admin/audit?target=${member.user.id}`,
      suite.admin.token,
    );
    expect(audit.body.entries[0]).toMatchObject({
      action: 'user.role',
      detail: { from: 'member', to: 'moderator' },
    });
  });

  it('deactivates: the open socket closes at once, sign-in is refused; reactivated, they sign in again', async () => {
    const troll = await register(suite.server.url, undefined, 'a long password');
    const socket = await connect(suite.server.url, troll.token);
    const closed = new Promise<number>((resolve) => {
      const started = Date.now();
      socket.on('disconnect', () => resolve(Date.now() - started));
    });
    const done = await request('PATCH', `/api/admin/users/${troll.user.id}`, suite.admin.token, {
      deactivated: true,
    });
    expect(done).toMatchObject({ status: 200, body: { user: { deactivated: true } } });
    expect(await closed).toBeLessThan(1_000);
    expect((await getJson(`${suite.server.url}/api/me`, troll.token)).status).toBe(401);
    const login = await request('POST', '/api/auth/login', undefined, {
      username: troll.user.username,
      password: 'a long password',
    });
    expect(login.status).toBe(403);
    await request('PATCH', `/api/admin/users/${troll.user.id}`, suite.admin.token, { deactivated: false });
    const again = await request('POST', '/api/auth/login', undefined, {
      username: troll.user.username,
      password: 'a long password',
    });
    expect(again.status).toBe(200);
  });

  it('issues a one-time sign-in link for an account, not for a guest', async () => {
    const forgetful = await register(suite.server.url);
    const link = await request(
      'POST',
      `/api/admin/users/${forgetful.user.id}/sign-in-link`,
      suite.admin.token,
    );
    expect(link.status).toBe(201);
    expect(link.body.url).toMatch(/\/#\/sign-in\/[\w-]{20,}$/);
    const token = link.body.url.split('/').at(-1);
    const used = await request('POST', '/api/auth/sign-in-link', undefined, {
      token,
      newPassword: 'a brand new password',
    });
    expect(used.status).toBe(200);
    const guestUser = (
      await request('POST', '/api/auth/guest', undefined, { username: `visitor${Date.now() % 1e6}` })
    ).body.user;
    expect(
      (await request('POST', `/api/admin/users/${guestUser.id}/sign-in-link`, suite.admin.token)).status,
    ).toBe(400);
    // The link ended the old sessions; the new one is a member's, who may not issue links.
    expect((await getJson(`${suite.server.url}/api/me`, forgetful.token)).status).toBe(401);
    const self = await request('POST', `/api/admin/users/${forgetful.user.id}/sign-in-link`, used.body.token);
    expect(self.status).toBe(403);
  });

  it('counts who is connected, messages per day for 30 days and storage', async () => {
    const talker = await register(suite.server.url);
    const socket = await connect(suite.server.url, talker.token);
    const general = await channelId(socket, 'general');
    const before = (await getJson(`${suite.server.url}/api/admin/dashboard`, suite.admin.token)).body;
    await send(socket, general, 'one');
    await send(socket, general, 'two');
    const { status, body } = await getJson(`${suite.server.url}/api/admin/dashboard`, suite.admin.token);
    expect(status).toBe(200);
    expect(body.onlineNow).toBeGreaterThanOrEqual(1);
    expect(body.messagesPerDay).toHaveLength(30);
    expect(body.messagesPerDay.at(-1).date).toBe(new Date().toISOString().slice(0, 10));
    expect(body.messagesPerDay.at(-1).messages).toBe(before.messagesPerDay.at(-1).messages + 2);
    expect(body.rooms.channel).toBeGreaterThanOrEqual(3);
    expect(body.databaseBytes).toBeGreaterThan(0);
    expect((await getJson(`${suite.server.url}/api/admin/dashboard`, talker.token)).status).toBe(403);
    socket.disconnect();
  });
});

describe('banning guests, by name and by address', () => {
  const suite = serverWithAdmin();
  const post = async (
    path: string,
    token: string | undefined,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${suite.server.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  it('signs a banned guest out at once and keeps their name, a look-alike of it, and their address out', async () => {
    const troll = await post('/api/auth/guest', undefined, { username: 'Trollface' });
    expect(troll.status).toBe(201);
    const socket = await connect(suite.server.url, troll.body.token);
    const closed = new Promise<void>((resolve) => socket.on('disconnect', () => resolve()));
    const member = await register(suite.server.url);
    // Only staff ban.
    expect((await post(`/api/admin/users/${troll.body.user.id}/guest-ban`, member.token, {})).status).toBe(
      403,
    );
    const banned = await post(`/api/admin/users/${troll.body.user.id}/guest-ban`, suite.admin.token, {
      reason: 'spam',
    });
    expect(banned.status).toBe(201);
    await closed;
    // The same name, a look-alike spelling, from anywhere: refused.
    for (const username of ['Trollface', 'TROLLFACE', 'trollface', 'TroIIface']) {
      const again = await post('/api/auth/guest', undefined, { username });
      expect({ username, status: again.status, detail: again.body.detail }).toEqual({
        username,
        status: 403,
        detail: 'that name may not be used by guests here: pick another, or sign in with an account',
      });
    }
    // The address their session came from (this test's 127.0.0.1): no guest from it at all.
    const other = await post('/api/auth/guest', undefined, { username: 'SomeoneElse' });
    expect(other.status).toBe(403);
    expect(other.body.detail).toBe('guests may not come in from this address: sign in with an account');
    // Accounts still sign up from it.
    expect((await register(suite.server.url)).user.role).toBe('member');
    // Lifted, the address lets guests in again (the name ban stays).
    const { body } = await getJson(`${suite.server.url}/api/admin/guest-bans`, suite.admin.token);
    const addressBan = body.bans.find((b: { kind: string }) => b.kind === 'address');
    const lift = await fetch(`${suite.server.url}/api/admin/guest-bans/${addressBan.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${suite.admin.token}` },
    });
    expect(lift.status).toBe(204);
    expect((await post('/api/auth/guest', undefined, { username: 'SomeoneElse' })).status).toBe(201);
    expect((await post('/api/auth/guest', undefined, { username: 'Trollface' })).status).toBe(403);
  });

  it('refuses bad input and accounts', async () => {
    const account = await register(suite.server.url);
    expect((await post(`/api/admin/users/${account.user.id}/guest-ban`, suite.admin.token, {})).status).toBe(
      400,
    );
    expect((await post('/api/admin/guest-bans', suite.admin.token, { address: 'not an ip' })).status).toBe(
      400,
    );
    expect((await post('/api/admin/guest-bans', suite.admin.token, {})).status).toBe(400);
    expect((await post('/api/admin/guest-bans', undefined, { name: 'x' })).status).toBe(401);
  });
});

describe('rooms on the admin page', () => {
  const suite = serverWithAdmin();

  it('lists channels, groups and code rooms — never DMs — and lets an admin delete one for everyone', async () => {
    const owner = await register(suite.server.url);
    const member = await register(suite.server.url);
    const ownerSocket = await connect(suite.server.url, owner.token);
    const memberSocket = await connect(suite.server.url, member.token);
    const { room } = await ok(ownerSocket, 'room:create', {
      kind: 'group',
      name: 'Dissolve me',
      memberIds: [member.user.id],
    });
    const { room: dm } = await ok(ownerSocket, 'dm:open', { userId: member.user.id });
    const listed = await getJson(`${suite.server.url}/api/admin/rooms?query=dissolve`, suite.admin.token);
    expect(listed.status).toBe(200);
    expect(listed.body.rooms).toEqual([
      expect.objectContaining({
        id: room.id,
        kind: 'group',
        owner: expect.objectContaining({ id: owner.user.id }),
        memberCount: 2,
      }),
    ]);
    const all = await getJson(`${suite.server.url}/api/admin/rooms?limit=500`, suite.admin.token);
    expect(all.body.rooms.some((r: { id: string }) => r.id === dm.id)).toBe(false);
    expect(
      all.body.rooms.filter(
        (r: { kind: string; owner: unknown }) => r.kind === 'channel' && r.owner === null,
      ),
    ).toHaveLength(3);

    const remove = (id: string, token: string) =>
      fetch(`${suite.server.url}/api/admin/rooms/${id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await remove(room.id, member.token)).status).toBe(403);
    expect((await remove(dm.id, suite.admin.token)).status).toBe(404);
    const told = new Recorder(memberSocket);
    expect((await remove(room.id, suite.admin.token)).status).toBe(204);
    expect(await told.wait('room:deleted')).toEqual({ roomId: room.id, reason: 'deleted' });
    expect((await getJson(`${suite.server.url}/api/rooms/${room.id}/messages`, owner.token)).status).toBe(
      404,
    );
    const audit = await getJson(`${suite.server.url}/api/admin/audit?action=room.delete`, suite.admin.token);
    // A private group's name stays out of the audit log.
    expect(audit.body.entries[0]).toMatchObject({ roomId: room.id, detail: { kind: 'group' } });
  });
});
