import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse } from '../../src/shared/protocol.js';
import {
  type ClientSocket,
  call,
  channelId,
  closeAllSockets,
  connect,
  getJson,
  guest,
  ok,
  postJson,
  Recorder,
  register,
  uniqueName,
} from '../helpers/clients.js';
import { uploadFile } from '../helpers/media.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue #17: the limits an admin changes at runtime — messages, uploads and room creation per
 * user, sign-ups per address, the largest upload — count at once, are refused when out of
 * range, are in the audit log; and every open page hears what its user may now start.
 */
const BACKENDS = [
  { name: 'sqlite', database: async () => ({ url: undefined as string | undefined, drop: async () => {} }) },
  ...(postgresAdminUrl ? [{ name: 'postgres', database: createTestDatabase }] : []),
];

/** The rules the settings decide are left to them; every other rule is loose. */
const { send: _s, upload: _u, roomCreate: _r, signup: _g, ...otherRules } = relaxedLimits!;

const CEILING = 64 * 1024;

async function as(token: string, method: string, url: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Connects with a listener already on `me:updated`, so the one sent on connection is kept. */
function connectRecorded(url: string, token: string): Promise<{ socket: ClientSocket; recorder: Recorder }> {
  const socket: ClientSocket = io(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const recorder = new Recorder(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, recorder }));
    socket.once('connect_error', reject);
  });
}

describe.each(BACKENDS)('limits an admin sets, on $name', (backend) => {
  let database: Awaited<ReturnType<typeof backend.database>>;
  let server: TestServer;
  let admin: AuthResponse;
  let member: AuthResponse;
  const put = (change: Record<string, unknown>, token = admin.token) =>
    as(token, 'PUT', `${server.url}/api/admin/settings`, change);
  const settings = async (change: Record<string, unknown>) => {
    const answer = await put(change);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body.settings;
  };

  const signUp = () =>
    postJson(`${server.url}/api/auth/register`, {
      username: uniqueName(),
      password: 'correct horse battery',
    });

  beforeAll(async () => {
    database = await backend.database();
    server = await startTestServer(
      { databaseUrl: database.url, uploadMaxBytes: CEILING },
      { rateRules: otherRules },
    );
    admin = await register(server.url);
    member = await register(server.url);
  });
  afterAll(async () => {
    closeAllSockets();
    await server.close();
    await database.drop();
  });

  it('shows the limits with the operator’s ceiling, and refuses bad ones', async () => {
    const shown = await as(admin.token, 'GET', `${server.url}/api/admin/settings`);
    expect(shown.status).toBe(200);
    expect(shown.body.settings).toMatchObject({
      messageRate: { count: 20, perSeconds: 4 },
      uploadRate: { count: 20, perSeconds: 40 },
      roomCreationRate: { count: 10, perSeconds: 100 },
      signupRate: { count: 60, perSeconds: 60 },
      // The first start takes UPLOAD_MAX_BYTES as the setting.
      uploadMaxBytes: CEILING,
    });
    expect(shown.body.ceilings).toEqual({ uploadMaxBytes: CEILING });

    for (const bad of [
      { messageRate: { count: 0, perSeconds: 10 } },
      { messageRate: { count: 5, perSeconds: 0 } },
      { messageRate: { count: 5 } },
      { messageRate: { count: 5, perSeconds: 10, burst: 3 } },
      { uploadRate: { count: 1.5, perSeconds: 10 } },
      { signupRate: '10 per minute' },
      { uploadMaxBytes: 10 },
      { uploadMaxBytes: -1 },
      { messagesPerMinute: 10 },
    ]) {
      const answer = await put(bad);
      expect(answer.status, JSON.stringify(bad)).toBe(400);
      expect(answer.body.code).toBe('bad_request');
    }
    const tooBig = await put({ uploadMaxBytes: CEILING + 1 });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body).toMatchObject({
      field: 'uploadMaxBytes',
      detail: expect.stringContaining('UPLOAD_MAX_BYTES'),
    });
    // Nothing of the refused changes was stored.
    expect((await as(admin.token, 'GET', `${server.url}/api/admin/settings`)).body.settings).toEqual(
      shown.body.settings,
    );
  });

  it('lets only admins change them', async () => {
    expect((await put({ messageRate: { count: 1, perSeconds: 3600 } }, member.token)).status).toBe(403);
    expect((await as(member.token, 'GET', `${server.url}/api/admin/settings`)).status).toBe(403);
    const visitor = await guest(server.url);
    expect((await put({ uploadMaxBytes: 2048 }, visitor.token)).status).toBe(403);
    const anonymous = await fetch(`${server.url}/api/admin/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uploadMaxBytes: 2048 }),
    });
    expect(anonymous.status).toBe(401);
    const after = (await as(admin.token, 'GET', `${server.url}/api/admin/settings`)).body.settings;
    expect(after.uploadMaxBytes).toBe(CEILING);
    expect(after.messageRate).toEqual({ count: 20, perSeconds: 4 });
  });

  it('holds a member to the message rate the admin set, at once', async () => {
    const sender = await register(server.url);
    const socket = await connect(server.url, sender.token);
    const general = await channelId(socket, 'general');
    await settings({ messageRate: { count: 3, perSeconds: 3600 } });
    for (let i = 0; i < 3; i++)
      await ok(socket, 'message:send', { roomId: general, clientMsgId: uniqueName('m'), text: `${i}` });
    const refused = await call(socket, 'message:send', {
      roomId: general,
      clientMsgId: uniqueName('m'),
      text: 'four',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // Raised again, the same bucket refills at the new rate: sends go through.
    await settings({ messageRate: { count: 20, perSeconds: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await ok(socket, 'message:send', { roomId: general, clientMsgId: uniqueName('m'), text: 'five' });
    await settings({ messageRate: { count: 20, perSeconds: 4 } });
  });

  it('holds room creation and guest sign-ups to their rates', async () => {
    const maker = await register(server.url);
    const socket = await connect(server.url, maker.token);
    await settings({ roomCreationRate: { count: 1, perSeconds: 3600 } });
    await ok(socket, 'room:create', { kind: 'group', name: uniqueName('g') });
    const second = await call(socket, 'code:create', {});
    expect(second).toMatchObject({ ok: false, error: { code: 'rate_limited' } });

    await settings({ signupRate: { count: 2, perSeconds: 3600 } });
    // A bucket holds at most the new count: two more from this address, then no more.
    expect((await postJson(`${server.url}/api/auth/guest`, { username: uniqueName('guest') })).status).toBe(
      201,
    );
    expect((await signUp()).status).toBe(201);
    const refused = await postJson(`${server.url}/api/auth/guest`, { username: uniqueName('guest') });
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toContain('too many sign-ups');
    expect((await signUp()).status).toBe(429);
    await settings({
      signupRate: { count: 10_000, perSeconds: 1 },
      roomCreationRate: { count: 10, perSeconds: 100 },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await postJson(`${server.url}/api/auth/guest`, { username: uniqueName('guest') })).status).toBe(
      201,
    );
  });

  it('refuses uploads above the size the admin set, and tells clients the size', async () => {
    const uploader = await register(server.url);
    await settings({ uploadMaxBytes: 4096 });
    expect((await getJson(`${server.url}/api/config`)).body).toEqual({ uploadMaxBytes: 4096 });
    const big = await uploadFile(server.url, uploader.token, Buffer.alloc(6000, 7), 'big.bin');
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'too_large', detail: expect.stringContaining('4 KB') });
    const fits = await uploadFile(server.url, uploader.token, Buffer.alloc(4000, 7), 'fits.bin');
    expect(fits.status).toBe(201);
    expect(fits.body.attachment.size).toBe(4000);
    // The connection that carried the refusal carries the next request too.
    expect((await as(uploader.token, 'GET', `${server.url}/api/me`)).status).toBe(200);
    // A body far over the limit is read to its end and dropped, not half-kept or hung on.
    const huge = await uploadFile(
      server.url,
      uploader.token,
      Buffer.alloc(3 * 1024 * 1024 + 17, 9),
      'huge.bin',
    );
    expect(huge.status).toBe(413);
    expect(await readdir(path.join(server.dataDir, 'tmp'))).toEqual([]);
    expect((await uploadFile(server.url, uploader.token, Buffer.alloc(100, 1), 'after.bin')).status).toBe(
      201,
    );

    await settings({ uploadMaxBytes: CEILING });
    expect((await uploadFile(server.url, uploader.token, Buffer.alloc(6000, 7), 'big.bin')).status).toBe(201);
    expect((await getJson(`${server.url}/api/config`)).body).toEqual({ uploadMaxBytes: CEILING });
  });

  it('holds a member to the upload rate', async () => {
    const uploader = await register(server.url);
    await settings({ uploadRate: { count: 2, perSeconds: 3600 } });
    for (let i = 0; i < 2; i++) {
      expect((await uploadFile(server.url, uploader.token, Buffer.alloc(100, i), `f${i}.bin`)).status).toBe(
        201,
      );
    }
    const third = await uploadFile(server.url, uploader.token, Buffer.alloc(100, 3), 'f3.bin');
    expect(third.status).toBe(429);
    await settings({ uploadRate: { count: 20, perSeconds: 40 } });
  });

  it('puts each change in the audit log with what it was before, and not a change that changes nothing', async () => {
    const audited = async () =>
      (await as(admin.token, 'GET', `${server.url}/api/admin/audit?action=settings.change`)).body.entries as {
        actor: { id: string };
        detail: Record<string, unknown>;
      }[];
    await settings({ guestsMayCreateRooms: false, messageRate: { count: 7, perSeconds: 70 } });
    const entries = await audited();
    const last = entries[0]!;
    expect(last.actor.id).toBe(admin.user.id);
    expect(last.detail).toEqual({
      guestsMayCreateRooms: { from: true, to: false },
      messageRate: { from: { count: 20, perSeconds: 4 }, to: { count: 7, perSeconds: 70 } },
    });
    // The same again changes nothing, so it adds no entry.
    await settings({ guestsMayCreateRooms: false });
    expect(await audited()).toHaveLength(entries.length);
    await settings({ guestsMayCreateRooms: true, messageRate: { count: 20, perSeconds: 4 } });
  });

  it('tells open pages what their user may start, on connection and when it changes', async () => {
    const visitor = await guest(server.url);
    const page = await connectRecorded(server.url, visitor.token);
    const first = await page.recorder.wait('me:updated');
    expect(first.user).toEqual({
      ...visitor.user,
      may: { createRoom: true, openDm: true, createInvite: false },
    });
    expect(visitor.user.may).toEqual(first.user.may);

    await settings({ guestsMayCreateRooms: false, guestsMayOpenDms: false });
    const next = await page.recorder.wait('me:updated', (e) => !e.user.may.createRoom);
    expect(next.user.may).toEqual({ createRoom: false, openDm: false, createInvite: false });
    // What it says is what the server does.
    expect(await call(page.socket, 'room:create', { kind: 'group', name: uniqueName('g') })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect((await getJson(`${server.url}/api/me`, visitor.token)).body.user.may.createRoom).toBe(false);
    await settings({ guestsMayCreateRooms: true, guestsMayOpenDms: true });
    await page.recorder.wait('me:updated', (e) => e.user.may.createRoom && e.user.may.openDm);

    // Pages connecting together (as after a network blip) are told together: each its own.
    const crowd = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const auth = await register(server.url);
        return { auth, page: await connectRecorded(server.url, auth.token) };
      }),
    );
    for (const { auth, page: theirPage } of crowd) {
      expect((await theirPage.recorder.wait('me:updated')).user.id).toBe(auth.user.id);
      expect(theirPage.recorder.of('me:updated')).toHaveLength(1);
    }

    // A promotion reaches the promoted user's page, and nobody else's.
    const promoted = await register(server.url);
    const theirs = await connectRecorded(server.url, promoted.token);
    await theirs.recorder.wait('me:updated');
    const before = page.recorder.of('me:updated').length;
    const change = await as(admin.token, 'PATCH', `${server.url}/api/admin/users/${promoted.user.id}`, {
      role: 'moderator',
    });
    expect(change.status).toBe(200);
    const updated = await theirs.recorder.wait('me:updated', (e) => e.user.role === 'moderator');
    expect(updated.user.may.createInvite).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(page.recorder.of('me:updated')).toHaveLength(before);
  });
});
