import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY_FLUSH_MS } from '../../src/server/services/sessions.js';
import type { SessionInfo } from '../../src/shared/protocol.js';
import {
  type ClientSocket,
  closeAllSockets,
  connect,
  ok,
  settle,
  uniqueName,
  until,
} from '../helpers/clients.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue #17: a user's own sessions — listed with device, address and last activity, signed out
 * one at a time or all but this one — on a real server over SQLite and PostgreSQL.
 */

const BACKENDS = [
  { name: 'sqlite', database: async () => ({ url: undefined, drop: async () => {} }) },
  ...(postgresAdminUrl ? [{ name: 'postgres', database: createTestDatabase }] : []),
];

const CHROME_ON_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_ON_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const PASSWORD = 'correct horse battery';

interface Answer {
  status: number;
  body: any;
}

async function request(
  url: string,
  method: string,
  { token, headers = {}, body }: { token?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** A clock the test can move on: the server reads time from it. */
let skew = 0;
const clock = () => Date.now() + skew;

describe.each(BACKENDS)('your sessions, on $name', (backend) => {
  let server: TestServer;
  let database: { url: string | undefined; drop(): Promise<void> };

  beforeAll(async () => {
    database = await backend.database();
    server = await startTestServer({ databaseUrl: database.url }, { rateRules: relaxedLimits, now: clock });
  });
  afterEach(() => closeAllSockets());
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  const api = (path: string, method = 'GET', options?: Parameters<typeof request>[2]) =>
    request(`${server.url}${path}`, method, options);
  /** An account, signed in from a browser saying `userAgent`: its token. */
  const register = async (username: string, userAgent = CHROME_ON_LINUX) => {
    const answer = await api('/api/auth/register', 'POST', {
      body: { username, password: PASSWORD },
      headers: { 'user-agent': userAgent },
    });
    expect(answer.status).toBe(201);
    return answer.body.token as string;
  };
  /** The same account, signed in once more elsewhere: that session's token. */
  const signIn = async (username: string, userAgent = FIREFOX_ON_WINDOWS, headers = {}) => {
    const answer = await api('/api/auth/login', 'POST', {
      body: { username, password: PASSWORD },
      headers: { 'user-agent': userAgent, ...headers },
    });
    expect(answer.status).toBe(200);
    return answer.body.token as string;
  };
  const list = async (token: string): Promise<SessionInfo[]> => {
    const answer = await api('/api/me/sessions', 'GET', { token });
    expect(answer.status).toBe(200);
    return answer.body.sessions;
  };
  const current = async (token: string) => (await list(token)).find((s) => s.current)!;
  const closed = (socket: ClientSocket) => new Promise((resolve) => socket.once('disconnect', resolve));

  it('lists each session with its device, address and times, and marks the current one', async () => {
    const name = uniqueName('devices');
    const before = clock();
    const laptop = await register(name, CHROME_ON_LINUX);
    const desktop = await signIn(name, FIREFOX_ON_WINDOWS);
    const phone = await signIn(name, SAFARI_ON_IPHONE);
    const after = clock();

    const seen = await list(laptop);
    expect(seen).toHaveLength(3);
    expect(seen.filter((s) => s.current).map((s) => s.device)).toEqual(['Chrome on Linux']);
    expect(seen.map((s) => s.device).sort()).toEqual([
      'Chrome on Linux',
      'Firefox on Windows',
      'Safari on iOS',
    ]);
    for (const session of seen) {
      expect(session.address).toBe('127.0.0.1');
      expect(session.createdAt).toBeGreaterThanOrEqual(before);
      expect(session.createdAt).toBeLessThanOrEqual(after);
      // Signing in is using it.
      expect(session.lastActiveAt).toBe(session.createdAt);
      expect(session.expiresAt).toBeGreaterThan(after);
    }
    expect(seen.find((s) => s.device === 'Firefox on Windows')?.userAgent).toBe(FIREFOX_ON_WINDOWS);
    // This one first, then the most recently active.
    expect(seen[0]?.current).toBe(true);
    const times = seen.slice(1).map((s) => s.lastActiveAt!);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(seen.slice(1).map((s) => s.device)).toEqual(['Safari on iOS', 'Firefox on Windows']);

    // Ids are opaque: neither a token nor the hash the server keeps of it.
    const hashes = [laptop, desktop, phone].map((t) => createHash('sha256').update(t).digest('hex'));
    for (const session of seen) {
      expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(hashes).not.toContain(session.id);
      expect(JSON.stringify(session)).not.toMatch(new RegExp(hashes.join('|')));
    }
    // Another device sees the same sessions, with itself as the current one.
    const fromPhone = await list(phone);
    expect(fromPhone.map((s) => s.id).sort()).toEqual(seen.map((s) => s.id).sort());
    expect(fromPhone.find((s) => s.current)?.device).toBe('Safari on iOS');
  });

  it('keeps "last active" true for HTTP and sockets, writing it at most once a minute', async () => {
    const name = uniqueName('active');
    const laptop = await register(name);
    const phone = await signIn(name, SAFARI_ON_IPHONE);
    const phoneEntry = async () => (await list(laptop)).find((s) => s.device === 'Safari on iOS')!;
    const signedInAt = (await phoneEntry()).lastActiveAt!;

    // Used again within the minute: nothing is written (not even once noted activity is flushed).
    skew += 30_000;
    expect((await api('/api/me', 'GET', { token: phone })).status).toBe(200);
    await settle(ACTIVITY_FLUSH_MS + 300);
    expect((await phoneEntry()).lastActiveAt).toBe(signedInAt);

    // Past the minute, an authenticated request records it.
    skew += 40_000;
    const requestAt = clock();
    expect((await api('/api/rooms', 'GET', { token: phone })).status).toBe(200);
    await until(async () => (await phoneEntry()).lastActiveAt! >= requestAt, 5_000, 'HTTP activity recorded');
    expect((await phoneEntry()).lastActiveAt).toBeLessThan(requestAt + 1_000);

    // A socket's handshake does too …
    skew += 120_000;
    const handshakeAt = clock();
    const socket = await connect(server.url, phone, { extraHeaders: { 'user-agent': SAFARI_ON_IPHONE } });
    await until(async () => (await phoneEntry()).lastActiveAt! >= handshakeAt, 5_000, 'handshake recorded');

    // … and so does using the socket, long after its handshake.
    skew += 120_000;
    const eventAt = clock();
    await ok(socket, 'rooms:list');
    await until(async () => (await phoneEntry()).lastActiveAt! >= eventAt, 5_000, 'socket event recorded');
    // The device it signed in with stays as it was.
    expect((await phoneEntry()).userAgent).toBe(SAFARI_ON_IPHONE);
  });

  it('signs out another session: its socket closes at once and its token stops working', async () => {
    const name = uniqueName('signout');
    const laptop = await register(name);
    const desktop = await signIn(name);
    const desktopSocket = await connect(server.url, desktop);
    const laptopSocket = await connect(server.url, laptop);
    const target = (await list(laptop)).find((s) => !s.current)!;
    expect(target.device).toBe('Firefox on Windows');

    const started = Date.now();
    const dropped = closed(desktopSocket);
    expect((await api(`/api/me/sessions/${target.id}`, 'DELETE', { token: laptop })).status).toBe(204);
    await dropped;
    expect(Date.now() - started).toBeLessThan(1_000);

    expect((await api('/api/me', 'GET', { token: desktop })).status).toBe(401);
    await expect(connect(server.url, desktop)).rejects.toThrow('unauthorized');
    expect((await list(laptop)).map((s) => s.id)).not.toContain(target.id);
    // This one goes on.
    await settle(100);
    expect(laptopSocket.connected).toBe(true);
    // Once gone, its id is unknown.
    expect((await api(`/api/me/sessions/${target.id}`, 'DELETE', { token: laptop })).status).toBe(404);
  });

  it("answers 404 for another user's session, exactly as for an unknown one, and leaves it alone", async () => {
    const alice = await register(uniqueName('alice'));
    const aliceSocket = await connect(server.url, alice);
    const aliceSession = await current(alice);
    const mallory = await register(uniqueName('mallory'));

    // Mallory's list holds her own session only.
    expect((await list(mallory)).map((s) => s.id)).not.toContain(aliceSession.id);
    const theirs = await api(`/api/me/sessions/${aliceSession.id}`, 'DELETE', { token: mallory });
    const unknown = await api(`/api/me/sessions/${randomUUID()}`, 'DELETE', { token: mallory });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(unknown.body);
    expect(theirs.body).toMatchObject({ code: 'not_found', detail: 'no such session' });

    await settle(100);
    expect(aliceSocket.connected).toBe(true);
    expect((await api('/api/me', 'GET', { token: alice })).status).toBe(200);
    expect((await list(alice)).map((s) => s.id)).toEqual([aliceSession.id]);
  });

  it('signs out every other session and keeps the current one', async () => {
    const name = uniqueName('others');
    const laptop = await register(name);
    const desktop = await signIn(name, FIREFOX_ON_WINDOWS);
    const phone = await signIn(name, SAFARI_ON_IPHONE);
    const sockets = await Promise.all([laptop, desktop, phone].map((token) => connect(server.url, token)));
    const [laptopSocket, ...others] = sockets;
    const dropped = Promise.all(others.map(closed));
    const bystander = await register(uniqueName('bystander'));

    const answer = await api('/api/me/sessions/sign-out-others', 'POST', { token: laptop });
    expect(answer).toEqual({ status: 200, body: { signedOut: 2 } });
    await dropped;
    for (const token of [desktop, phone]) expect((await api('/api/me', 'GET', { token })).status).toBe(401);
    await settle(100);
    expect(laptopSocket!.connected).toBe(true);
    const left = await list(laptop);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ current: true, device: 'Chrome on Linux' });
    // Nobody else's sessions are touched.
    expect((await api('/api/me', 'GET', { token: bystander })).status).toBe(200);
    // Nothing left to sign out.
    expect((await api('/api/me/sessions/sign-out-others', 'POST', { token: laptop })).body).toEqual({
      signedOut: 0,
    });
  });

  it('refuses a malformed id and the current session with a clear problem', async () => {
    const token = await register(uniqueName('badinput'));
    const malformed = await api('/api/me/sessions/not-a-session', 'DELETE', { token });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'bad_request', field: 'id' });
    expect(malformed.body.detail).toContain('must be a session id as GET /api/me/sessions lists them');
    // The current session is signed out with POST /api/auth/logout, which also clears the cookie.
    const mine = await current(token);
    const self = await api(`/api/me/sessions/${mine.id}`, 'DELETE', { token });
    expect(self.status).toBe(400);
    expect(self.body).toMatchObject({ code: 'bad_request', field: 'id' });
    expect(self.body.detail).toMatch(/session you are using/);
    expect((await api('/api/me', 'GET', { token })).status).toBe(200);
  });

  it('answers 401 without a live session, and 403 to a forged cross-site request', async () => {
    const token = await register(uniqueName('anon'));
    const id = (await current(token)).id;
    for (const [path, method] of [
      ['/api/me/sessions', 'GET'],
      [`/api/me/sessions/${id}`, 'DELETE'],
      ['/api/me/sessions/sign-out-others', 'POST'],
    ] as const) {
      const answer = await api(path, method);
      expect(answer.status, `${method} ${path}`).toBe(401);
      expect(answer.body.code).toBe('unauthorized');
      expect((await api(path, method, { token: 'not-a-token' })).status).toBe(401);
    }
    // The session cookie sent along by a page on another site.
    const forged = await api(`/api/me/sessions/${id}`, 'DELETE', {
      headers: { cookie: `parley_session=${token}`, origin: 'https://evil.example' },
    });
    expect(forged.status).toBe(403);
    expect((await list(token)).map((s) => s.id)).toEqual([id]);
  });

  it('shows a guest their one session, with nothing else to sign out', async () => {
    const answer = await api('/api/auth/guest', 'POST', {
      body: { username: uniqueName('visitor') },
      headers: { 'user-agent': SAFARI_ON_IPHONE },
    });
    const token = answer.body.token as string;
    const sessions = await list(token);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ current: true, device: 'Safari on iOS' });
    expect((await api('/api/me/sessions/sign-out-others', 'POST', { token })).body).toEqual({ signedOut: 0 });
  });
});

describe('the address of a session', () => {
  it('is the client address the server sees: X-Forwarded-For only with TRUST_PROXY', async () => {
    for (const trustProxy of [false, true]) {
      const server = await startTestServer({ trustProxy }, { rateRules: relaxedLimits });
      try {
        const forwarded = { 'x-forwarded-for': '203.0.113.9, 10.0.0.2' };
        const username = uniqueName('proxied');
        const token = (
          await request(`${server.url}/api/auth/register`, 'POST', {
            body: { username, password: PASSWORD },
            headers: forwarded,
          })
        ).body.token as string;
        const sessions = (await request(`${server.url}/api/me/sessions`, 'GET', { token })).body.sessions;
        expect(sessions.map((s: SessionInfo) => s.address)).toEqual([
          trustProxy ? '203.0.113.9' : '127.0.0.1',
        ]);
      } finally {
        await server.close();
      }
    }
  });
});
