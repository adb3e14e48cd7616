import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse } from '../../src/shared/protocol.js';
import { call, channelId, connect, ok, Recorder, register, send } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue #17, moderation in a room: each action by those the permission table allows, refused
 * for the others with a clear error; a ban keeps a user out by every way in; a mute stops
 * posting and reacting, says until when, and ends by itself.
 */
describe('room moderation', () => {
  let server: TestServer;
  let clock = Date.now();
  let founder: AuthResponse;
  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits, now: () => clock });
    founder = await register(server.url); // the admin
  });
  afterAll(() => server.close());

  /** A channel owned by its creator, with members who have joined it. */
  async function channelWith(memberCount: number) {
    const owner = await register(server.url);
    const ownerSocket = await connect(server.url, owner.token);
    const { room } = await ok(ownerSocket, 'room:create', { kind: 'channel', name: `mod-${clock++}` });
    const members = [];
    for (let i = 0; i < memberCount; i++) {
      const who = await register(server.url);
      const socket = await connect(server.url, who.token);
      await ok(socket, 'room:join', { roomId: room.id });
      members.push({ ...who, socket });
    }
    return { room, owner: { ...owner, socket: ownerSocket }, members };
  }
  const refusal = (ack: { ok: boolean; error?: { code: string; message: string } }) =>
    ack.ok ? 'ok' : `${ack.error!.code}: ${ack.error!.message}`;

  it('lets the owner kick; a member may not, nor may anyone kick the owner', async () => {
    const { room, owner, members } = await channelWith(2);
    const [amy, ben] = members as [(typeof members)[0], (typeof members)[0]];
    expect(refusal(await call(amy.socket, 'room:kick', { roomId: room.id, userId: ben.user.id }))).toBe(
      'forbidden: only the room’s moderators can do that',
    );
    const gone = new Recorder(ben.socket);
    expect(await call(owner.socket, 'room:kick', { roomId: room.id, userId: ben.user.id })).toEqual({
      ok: true,
    });
    expect(await gone.wait('room:deleted')).toMatchObject({ roomId: room.id, reason: 'removed' });
    // Kicked, not banned: they may come back.
    expect(await call(ben.socket, 'room:join', { roomId: room.id })).toMatchObject({ ok: true });
    await ok(owner.socket, 'room:set-role', { roomId: room.id, userId: amy.user.id, role: 'moderator' });
    expect(refusal(await call(amy.socket, 'room:kick', { roomId: room.id, userId: owner.user.id }))).toBe(
      'forbidden: nobody but an admin can do that to the room’s owner',
    );
    expect(refusal(await call(amy.socket, 'room:kick', { roomId: room.id, userId: amy.user.id }))).toBe(
      'bad_request: you cannot do that to yourself',
    );
    // A room moderator may kick a member.
    expect(await call(amy.socket, 'room:kick', { roomId: room.id, userId: ben.user.id })).toEqual({
      ok: true,
    });
  });

  it('keeps a banned user out by every way in: joining, being added back, a code', async () => {
    const { room, owner, members } = await channelWith(1);
    const [cat] = members as [(typeof members)[0]];
    const gone = new Recorder(cat.socket);
    await ok(owner.socket, 'room:ban', { roomId: room.id, userId: cat.user.id, reason: 'spam' });
    expect(await gone.wait('room:deleted')).toMatchObject({ roomId: room.id, reason: 'banned' });
    expect(refusal(await call(cat.socket, 'room:join', { roomId: room.id }))).toBe(
      'forbidden: you are banned from this room',
    );
    const { bans } = await ok(owner.socket, 'room:bans', { roomId: room.id });
    expect(bans.map((b) => [b.user.id, b.reason])).toEqual([[cat.user.id, 'spam']]);
    // A group and a code room keep their bans too.
    const { room: group } = await ok(owner.socket, 'room:create', {
      kind: 'group',
      name: 'inner circle',
      memberIds: [cat.user.id],
    });
    await ok(owner.socket, 'room:ban', { roomId: group.id, userId: cat.user.id });
    expect(
      refusal(await call(owner.socket, 'room:add-member', { roomId: group.id, userId: cat.user.id })),
    ).toBe('forbidden: you are banned from this room');
    const { room: coded, code } = await ok(owner.socket, 'code:create', { name: 'door' });
    await ok(cat.socket, 'code:join', { code });
    await ok(owner.socket, 'room:ban', { roomId: coded.id, userId: cat.user.id });
    expect(refusal(await call(cat.socket, 'code:join', { code }))).toBe(
      'forbidden: you are banned from this room',
    );
    // Lifted, the way in is open again.
    await ok(owner.socket, 'room:unban', { roomId: room.id, userId: cat.user.id });
    expect(await call(cat.socket, 'room:join', { roomId: room.id })).toMatchObject({ ok: true });
    // Outsiders learn nothing about a private room.
    expect(refusal(await call(cat.socket, 'room:bans', { roomId: group.id }))).toBe(
      'not_found: room not found',
    );
  });

  it('mutes a member until a time they are told, and lets them speak again after it', async () => {
    const { room, owner, members } = await channelWith(1);
    const [dan] = members as [(typeof members)[0]];
    const { message } = await send(owner.socket, room.id, 'a message to react to');
    const watch = new Recorder(dan.socket);
    const { mutedUntil } = await ok(owner.socket, 'room:mute', {
      roomId: room.id,
      userId: dan.user.id,
      minutes: 10,
    });
    expect(mutedUntil).toBe(clock + 10 * 60_000);
    expect(await watch.wait('room:member-updated')).toMatchObject({ userId: dan.user.id, mutedUntil });
    const refused = await call(dan.socket, 'message:send', {
      roomId: room.id,
      clientMsgId: 'm1',
      text: 'hello?',
    });
    expect(refusal(refused)).toBe(
      `forbidden: you are muted in this room until ${new Date(mutedUntil).toISOString()}`,
    );
    expect(
      refusal(await call(dan.socket, 'reaction:toggle', { messageId: message.id, emoji: '👍' })),
    ).toMatch(/^forbidden: you are muted/);
    const { rooms } = await ok(dan.socket, 'rooms:list');
    expect(rooms.find((r) => r.id === room.id)).toMatchObject({ mutedUntil, myRole: 'member' });
    // Elsewhere they still speak.
    await send(dan.socket, await channelId(dan.socket, 'general'), 'still here');
    clock += 10 * 60_000;
    expect(
      await call(dan.socket, 'message:send', { roomId: room.id, clientMsgId: 'm2', text: 'back' }),
    ).toMatchObject({ ok: true });
    // Nobody but the room's moderators mutes.
    expect(
      refusal(await call(dan.socket, 'room:mute', { roomId: room.id, userId: owner.user.id, minutes: 1 })),
    ).toBe('forbidden: only the room’s moderators can do that');
    for (const minutes of [0, 1.5, 525_601]) {
      const bad = await call(owner.socket, 'room:mute', { roomId: room.id, userId: dan.user.id, minutes });
      expect(refusal(bad)).toMatch(/^bad_request/);
    }
  });

  it('makes a channel read-only for all but its moderators, and archives it out of the directory', async () => {
    const { room, owner, members } = await channelWith(1);
    const [eve] = members as [(typeof members)[0]];
    const { room: updated } = await ok(owner.socket, 'room:update', {
      roomId: room.id,
      topic: 'Announcements',
      description: 'News from the team',
      readOnly: true,
    });
    expect(updated).toMatchObject({
      topic: 'Announcements',
      description: 'News from the team',
      readOnly: true,
    });
    expect(
      refusal(await call(eve.socket, 'message:send', { roomId: room.id, clientMsgId: 'e1', text: 'hi' })),
    ).toBe('forbidden: this room is read-only: only its moderators post');
    await send(owner.socket, room.id, 'the news');
    expect(refusal(await call(eve.socket, 'room:update', { roomId: room.id, topic: 'mine now' }))).toBe(
      'forbidden: only the room’s moderators can change its name, topic and description',
    );
    expect(refusal(await call(owner.socket, 'room:update', { roomId: room.id }))).toMatch(/^bad_request/);
    expect(refusal(await call(owner.socket, 'room:update', { roomId: room.id, topic: 'a\u0000b' }))).toMatch(
      /^bad_request/,
    );

    await ok(owner.socket, 'room:update', { roomId: room.id, archived: true });
    expect(
      refusal(await call(owner.socket, 'message:send', { roomId: room.id, clientMsgId: 'o2', text: 'x' })),
    ).toBe('forbidden: this room is archived: its history is kept, nobody posts');
    const outsider = await connect(server.url, (await register(server.url)).token);
    const { channels } = await ok(outsider, 'channels:list');
    expect(channels.some((c) => c.id === room.id)).toBe(false);
    expect(refusal(await call(outsider, 'room:join', { roomId: room.id }))).toBe(
      'forbidden: this room is archived: its history is kept, nobody joins',
    );
    // Its members keep it, and its history.
    expect((await ok(eve.socket, 'channels:list')).channels.some((c) => c.id === room.id)).toBe(true);
    await ok(owner.socket, 'room:update', { roomId: room.id, archived: false });
    expect(await call(outsider, 'room:join', { roomId: room.id })).toMatchObject({ ok: true });
  });

  it('lets the server’s staff moderate #general, which has no owner, but not a member', async () => {
    const admin = await connect(server.url, founder.token);
    const troll = await register(server.url);
    const trollSocket = await connect(server.url, troll.token);
    const bystander = await connect(server.url, (await register(server.url)).token);
    const general = await channelId(admin, 'general');
    expect(
      refusal(await call(bystander, 'room:mute', { roomId: general, userId: troll.user.id, minutes: 5 })),
    ).toBe('forbidden: only the room’s moderators can do that');
    await ok(admin, 'room:mute', { roomId: general, userId: troll.user.id, minutes: 5 });
    expect(
      refusal(await call(trollSocket, 'message:send', { roomId: general, clientMsgId: 't', text: 'x' })),
    ).toMatch(/^forbidden: you are muted/);
    // Nobody mutes the admin but an admin.
    await ok(admin, 'room:set-role', { roomId: general, userId: troll.user.id, role: 'moderator' });
    expect(
      refusal(await call(trollSocket, 'room:mute', { roomId: general, userId: founder.user.id, minutes: 5 })),
    ).toBe('forbidden: only an admin can do that to an admin');
  });
});

describe('moderation found wanting by review, and mended', () => {
  let server: TestServer;
  let founder: AuthResponse;
  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits });
    founder = await register(server.url);
  });
  afterAll(() => server.close());
  const refusal = (ack: { ok: boolean; error?: { code: string; message: string } }) =>
    ack.ok ? 'ok' : `${ack.error!.code}: ${ack.error!.message}`;

  it('keeps a group moderator from removing its owner by room:remove-member too', async () => {
    const owner = await register(server.url);
    const mod = await register(server.url);
    const ownerSocket = await connect(server.url, owner.token);
    const modSocket = await connect(server.url, mod.token);
    const { room } = await ok(ownerSocket, 'room:create', {
      kind: 'group',
      name: 'g',
      memberIds: [mod.user.id],
    });
    await ok(ownerSocket, 'room:set-role', { roomId: room.id, userId: mod.user.id, role: 'moderator' });
    expect(
      refusal(await call(modSocket, 'room:remove-member', { roomId: room.id, userId: owner.user.id })),
    ).toBe('forbidden: nobody but an admin can do that to the room’s owner');
  });

  it('keeps a muted member from rewriting an old message', async () => {
    const owner = await register(server.url);
    const member = await register(server.url);
    const ownerSocket = await connect(server.url, owner.token);
    const memberSocket = await connect(server.url, member.token);
    const { room } = await ok(ownerSocket, 'room:create', { kind: 'channel', name: `edit-${Date.now()}` });
    await ok(memberSocket, 'room:join', { roomId: room.id });
    const { message } = await send(memberSocket, room.id, 'fine words');
    await ok(ownerSocket, 'room:mute', { roomId: room.id, userId: member.user.id, minutes: 5 });
    expect(
      refusal(await call(memberSocket, 'message:edit', { messageId: message.id, text: 'abuse' })),
    ).toMatch(/^forbidden: you are muted/);
  });

  it('lets staff delete in a channel they never joined, but not a message of someone above them', async () => {
    const admin = await connect(server.url, founder.token);
    const staffer = await register(server.url);
    const writer = await register(server.url);
    const writerSocket = await connect(server.url, writer.token);
    const { room } = await ok(writerSocket, 'room:create', { kind: 'channel', name: `open-${Date.now()}` });
    const { message } = await send(writerSocket, room.id, 'spam');
    // The founder is an admin who has not joined this channel.
    expect(await call(admin, 'message:delete', { messageId: message.id })).toMatchObject({ ok: true });
    const general = await channelId(admin, 'general');
    const { message: adminsWord } = await send(admin, general, 'house rules');
    const db = await import('better-sqlite3');
    const sqlite = new db.default(`${server.dataDir}/parley.sqlite`);
    sqlite.pragma('busy_timeout = 5000');
    sqlite.prepare('UPDATE users SET role = ? WHERE id = ?').run('moderator', staffer.user.id);
    sqlite.close();
    const stafferSocket = await connect(server.url, staffer.token);
    expect(refusal(await call(stafferSocket, 'message:delete', { messageId: adminsWord.id }))).toBe(
      'forbidden: only an admin can do that to an admin',
    );
  });

  it('archives twice without an error, and still signs newcomers up while #general is archived', async () => {
    const admin = await connect(server.url, founder.token);
    const general = await channelId(admin, 'general');
    await ok(admin, 'room:update', { roomId: general, archived: true });
    expect(await call(admin, 'room:update', { roomId: general, archived: true })).toMatchObject({ ok: true });
    const newcomer = await register(server.url);
    expect(newcomer.user.role).toBe('member');
    await ok(admin, 'room:update', { roomId: general, archived: false });
  });
});
