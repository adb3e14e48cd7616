import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFileStore } from '../../src/server/store/files.js';
import { linkToken, runParley } from '../helpers/cli.js';
import {
  type ClientSocket,
  channelId,
  connect,
  getJson,
  ok,
  postJson,
  register,
  settle,
  uniqueName,
  until,
} from '../helpers/clients.js';
import { image, uploadFile } from '../helpers/media.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { relaxedLimits, startTestServer, type TestServer, tempDir } from '../helpers/server.js';

const PASSWORD = 'correct horse battery';
const backends = [{ name: 'sqlite' }, ...(postgresAdminUrl ? [{ name: 'postgres' }] : [])];

/**
 * Issue #17, the operator CLI: `parley <command>` run as a process of its own beside a running
 * server, on the same data, as an operator runs it from the server's shell.
 */
describe.each(backends)('parley CLI on $name', (backend) => {
  let server: TestServer;
  let env: Record<string, string>;
  let drop: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    const target = backend.name === 'postgres' ? await createTestDatabase() : undefined;
    drop = target?.drop;
    server = await startTestServer(target ? { databaseUrl: target.url } : {}, { rateRules: relaxedLimits });
    env = { DATA_DIR: server.dataDir, ...(target ? { DATABASE_URL: target.url } : {}) };
  });
  afterEach(async () => {
    await server.close();
    await drop?.();
  });

  const parley = (args: string[], stdin?: string) => runParley(args, { env, stdin });
  const login = (username: string, password = PASSWORD) =>
    postJson(`${server.url}/api/auth/login`, { username, password });
  const me = async (token: string) => (await getJson(`${server.url}/api/me`, token)).body.user;

  it('lists its commands, and refuses what it does not know', async () => {
    const help = await parley(['help']);
    expect(help.code).toBe(0);
    for (const command of [
      'create-admin',
      'promote',
      'demote',
      'deactivate',
      'reactivate',
      'reset-password',
      'stats',
      'backup',
      'restore',
    ]) {
      expect(help.stdout).toContain(`  ${command} `);
    }
    const unknown = await parley(['frobnicate']);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe('parley: there is no command "frobnicate": parley help lists them\n');
    const missing = await parley(['promote', 'someone']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Usage: parley promote <username> <admin|moderator|member>');
  });

  it('creates an admin with a password from stdin, and never takes one from argv', async () => {
    const name = uniqueName('boss');
    const inArgv = await parley(['create-admin', name, `--password=${PASSWORD}`]);
    expect(inArgv.code).toBe(1);
    expect(inArgv.stderr).toContain('would show in ps');
    expect((await login(name)).status).toBe(401);

    const created = await parley(['create-admin', name, '--password-stdin'], `${PASSWORD}\n`);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toBe(
      `Created the admin account ${name}. They can sign in with the password given.\n`,
    );
    const signedIn = await login(name);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.role).toBe('admin');
    // In #general like anyone who signed up.
    const socket = await connect(server.url, signedIn.body.token);
    expect(await channelId(socket, 'general')).toBeTruthy();
    const { rooms } = await ok(socket, 'rooms:list');
    expect(rooms.map((r) => r.name)).toContain('general');
    socket.disconnect();

    const again = await parley(['create-admin', name.toUpperCase(), '--password-stdin'], PASSWORD);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is taken');
    const weak = await parley(['create-admin', uniqueName('boss'), '--password-stdin'], 'short');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/^parley: .*8/);
  });

  it('creates an admin without a password, who sets one with the link — once', async () => {
    const name = uniqueName('boss');
    const created = await parley(['create-admin', name]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('works once, within 24 hours');
    const token = linkToken(created.stdout);
    expect(created.stdout).toContain(`http://localhost:3000/#/sign-in/${token}`);
    expect((await login(name, '')).status).toBe(400);

    const used = await postJson(`${server.url}/api/auth/sign-in-link`, { token, newPassword: PASSWORD });
    expect(used.status).toBe(200);
    expect(used.body.user).toMatchObject({ username: name, role: 'admin' });
    expect(used.headers.get('set-cookie')).toContain('parley_session=');
    expect((await me(used.body.token)).username).toBe(name);
    expect((await login(name)).status).toBe(200);

    const twice = await postJson(`${server.url}/api/auth/sign-in-link`, {
      token,
      newPassword: 'another password',
    });
    expect(twice.status).toBe(401);
    expect(twice.body.detail).toBe('this sign-in link was already used: ask an admin for a new one');
    expect((await login(name, 'another password')).status).toBe(401);
  });

  it('promotes and demotes, and never demotes or deactivates the last admin', async () => {
    const root = await register(server.url);
    expect(root.user.role).toBe('admin');
    const other = await register(server.url);

    const lastDemote = await parley(['demote', root.user.username]);
    expect(lastDemote.code).toBe(1);
    expect(lastDemote.stderr).toContain(`${root.user.username} is the last admin of this server`);
    const lastDeactivate = await parley(['deactivate', root.user.username]);
    expect(lastDeactivate.code).toBe(1);
    expect(lastDeactivate.stderr).toContain('cannot be deactivated');
    expect((await me(root.token)).role).toBe('admin');

    const badRole = await parley(['promote', other.user.username, 'overlord']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toBe('parley: the role must be one of admin, moderator, member, not "overlord"\n');
    const nobody = await parley(['promote', 'nobody-here', 'admin']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe('parley: there is no account named nobody-here\n');

    const moderator = await parley(['promote', other.user.username, 'moderator']);
    expect(moderator.stdout).toBe(`${other.user.username} is now a moderator (was member).\n`);
    expect((await me(other.token)).role).toBe('moderator');
    expect((await parley(['promote', other.user.username, 'admin'])).code).toBe(0);
    // Two admins now: either may go.
    const demoted = await parley(['demote', root.user.username]);
    expect(demoted).toMatchObject({
      code: 0,
      stdout: `${root.user.username} is now a member (was admin).\n`,
    });
    expect((await me(root.token)).role).toBe('member');
    expect((await parley(['demote', other.user.username])).code).toBe(1);

    // Each change is in the audit log, by the CLI (no account), oldest last.
    const audit = await getJson(`${server.url}/api/admin/audit?target=${other.user.id}`, other.token);
    expect(audit.status).toBe(200);
    expect(
      audit.body.entries.map((e: { action: string; actor: unknown; detail: unknown }) => [
        e.action,
        e.actor,
        e.detail,
      ]),
    ).toEqual([
      ['user.role', null, { by: 'cli', from: 'moderator', to: 'admin' }],
      ['user.role', null, { by: 'cli', from: 'member', to: 'moderator' }],
    ]);
  });

  it('deactivates: sessions end, open sockets close within about a second, sign-in refused; reactivates', async () => {
    const root = await register(server.url);
    const person = await register(server.url);
    const sockets = [await connect(server.url, person.token), await connect(server.url, person.token)];
    const closed = sockets.map(
      (socket) => new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now()))),
    );
    const done = await parley(['deactivate', person.user.username]);
    const exitedAt = Date.now();
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`Deactivated ${person.user.username} and ended 1 session;`);
    for (const at of await Promise.all(closed)) expect(at - exitedAt).toBeLessThan(1_500);
    expect((await getJson(`${server.url}/api/me`, person.token)).status).toBe(401);
    const refused = await login(person.user.username);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('deactivated');
    const link = await parley(['reset-password', person.user.username]);
    expect(link.code).toBe(1);
    expect(link.stderr).toContain('is deactivated: reactivate the account first');

    const back = await parley(['reactivate', person.user.username]);
    expect(back.stdout).toBe(`Reactivated ${person.user.username}: they can sign in again.\n`);
    expect((await login(person.user.username)).status).toBe(200);
    const audit = await getJson(`${server.url}/api/admin/audit?target=${person.user.id}`, root.token);
    expect(audit.body.entries.map((e: { action: string; detail: unknown }) => [e.action, e.detail])).toEqual([
      ['user.reactivate', { by: 'cli' }],
      ['user.deactivate', { by: 'cli', sessions: 1 }],
    ]);
  });

  it('resets a password with a link that works once, expires, and ends every other session', async () => {
    await register(server.url);
    const person = await register(server.url);
    const second = (await login(person.user.username)).body.token as string;
    const sockets: ClientSocket[] = [
      await connect(server.url, person.token),
      await connect(server.url, second),
    ];
    const closed = sockets.map(
      (socket) => new Promise<void>((resolve) => socket.once('disconnect', () => resolve())),
    );

    const unknown = await postJson(`${server.url}/api/auth/sign-in-link`, {
      token: 'x'.repeat(43),
      newPassword: 'a new password',
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.detail).toBe('this sign-in link is not valid: check that it was copied whole');

    const printed = await parley(['reset-password', person.user.username]);
    expect(printed.code).toBe(0);
    const token = linkToken(printed.stdout);
    const weak = await postJson(`${server.url}/api/auth/sign-in-link`, { token, newPassword: 'short' });
    expect(weak).toMatchObject({ status: 400, body: { field: 'newPassword' } });
    const used = await postJson(`${server.url}/api/auth/sign-in-link`, {
      token,
      newPassword: 'a new password',
    });
    expect(used.status).toBe(200);
    await Promise.all(closed);
    for (const old of [person.token, second])
      expect((await getJson(`${server.url}/api/me`, old)).status).toBe(401);
    expect((await me(used.body.token)).username).toBe(person.user.username);
    expect((await login(person.user.username)).status).toBe(401);
    expect((await login(person.user.username, 'a new password')).status).toBe(200);

    // A link of 2 seconds, used after 2.5.
    const short = await parley(['reset-password', person.user.username, '--hours', String(2 / 3600)]);
    expect(short.stdout).toContain('within 0.0 hours');
    await settle(2_500);
    const late = await postJson(`${server.url}/api/auth/sign-in-link`, {
      token: linkToken(short.stdout),
      newPassword: 'yet another password',
    });
    expect(late.status).toBe(401);
    expect(late.body.detail).toBe('this sign-in link has expired: ask an admin for a new one');
  });

  it('backs up SQLite into one archive, and PostgreSQL only by saying how (pg_dump)', async () => {
    const file = path.join(tempDir(), 'backup.tar');
    const done = await parley(['backup', file]);
    if (backend.name === 'sqlite') {
      // The archive itself is restored and checked under write load below.
      expect(done.code).toBe(0);
      expect(existsSync(file)).toBe(true);
    } else {
      expect(done.code).toBe(1);
      expect(done.stderr).toContain('pg_dump --format=custom');
      expect(done.stderr).toContain('pg_restore');
    }
  });

  it('counts users, rooms, messages and uploads', async () => {
    const root = await register(server.url);
    await register(server.url);
    const socket = await connect(server.url, root.token);
    const general = await channelId(socket, 'general');
    for (const text of ['one', 'two', 'three'])
      await ok(socket, 'message:send', { roomId: general, clientMsgId: crypto.randomUUID(), text });
    socket.disconnect();
    const json = await parley(['stats', '--json']);
    expect(json.code).toBe(0);
    const stats = JSON.parse(json.stdout);
    expect(stats).toMatchObject({
      users: { total: 2, byRole: { admin: 1, member: 1 }, deactivated: 0 },
      rooms: { channel: 3 },
      messages: 3,
      uploads: { count: 0, bytes: 0 },
    });
    expect(stats.databaseBytes).toBeGreaterThan(0);
    const text = await parley(['stats']);
    expect(text.stdout).toContain('Users: 2 (1 admin, 1 member); 0 deactivated.');
    expect(text.stdout).toContain('Messages: 3.');
  });
});

describe('parley backup and restore (SQLite)', () => {
  it('backs up under write load; a server on the restored data has every message acknowledged before it began', async () => {
    const server = await startTestServer({}, { rateRules: relaxedLimits });
    const env = { DATA_DIR: server.dataDir };
    try {
      const writers = await Promise.all([1, 2, 3].map(() => register(server.url)));
      const sockets = await Promise.all(writers.map((w) => connect(server.url, w.token)));
      const general = await channelId(sockets[0]!, 'general');
      const upload = await uploadFile(server.url, writers[0]!.token, await image('png'), 'photo.png');
      await ok(sockets[0]!, 'message:send', {
        roomId: general,
        clientMsgId: randomUUID(),
        text: 'with a photo',
        attachmentIds: [upload.body.attachment.id],
      });

      // Every writer sends, waits for the ack, and sends again, until told to stop.
      const acked: string[] = [];
      let stop = false;
      const load = sockets.map(async (socket, i) => {
        for (let n = 0; !stop; n++) {
          const { message } = await ok(socket, 'message:send', {
            roomId: general,
            clientMsgId: randomUUID(),
            text: `writer ${i}, message ${n}`,
          });
          acked.push(message.id);
        }
      });
      await until(() => acked.length >= 300, 20_000, '300 acknowledged messages');
      const beforeBackup = [...acked];
      const archive = path.join(tempDir(), 'parley-backup.tar');
      const made = await runParley(['backup', archive], { env });
      const duringBackup = acked.length - beforeBackup.length;
      stop = true;
      await Promise.all(load);
      expect(made.stderr).toBe('');
      expect(made.code).toBe(0);
      // The photo and its thumbnail.
      expect(made.stdout).toMatch(/^Backed up the database \(.*\) and the uploads \(2 files, .*\) to /);
      // The writers kept going while the backup ran: it did not stop the server.
      expect(duringBackup).toBeGreaterThan(0);

      const occupied = tempDir();
      writeFileSync(path.join(occupied, 'keep.txt'), 'mine');
      const refused = await runParley(['restore', archive, '--data-dir', occupied], { env: {} });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('is not empty: restore only into a new or empty directory');

      const restoredDir = path.join(tempDir(), 'restored');
      const restored = await runParley(['restore', archive, '--data-dir', restoredDir], { env: {} });
      expect(restored).toMatchObject({ code: 0, stderr: '' });
      const again = await startTestServer({ dataDir: restoredDir }, { rateRules: relaxedLimits });
      try {
        // The sessions are in the backup too: the same token reads the restored history.
        const token = writers[0]!.token;
        const found = new Set<string>();
        let after: number | null = 0;
        while (after !== null) {
          const page = await getJson(
            `${again.url}/api/rooms/${general}/messages?after=${after}&limit=100`,
            token,
          );
          expect(page.status).toBe(200);
          for (const message of page.body.messages) found.add(message.id);
          if (found.size % 1 === 0) after = page.body.nextAfter;
        }
        const missing = beforeBackup.filter((id) => !found.has(id));
        expect(missing).toEqual([]);
        // And the photo's bytes, where the restored server reads them.
        const files = new LocalFileStore(path.join(restoredDir, 'uploads'));
        expect(await files.size(upload.body.attachment.id)).toBe(upload.body.attachment.size);
      } finally {
        await again.close();
      }
    } finally {
      await server.close();
    }
  });
});
