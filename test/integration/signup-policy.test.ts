import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse } from '../../src/shared/protocol.js';
import {
  call,
  closeAllSockets,
  connect,
  getJson,
  guest,
  postJson,
  register,
  uniqueName,
} from '../helpers/clients.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { relaxedLimits, startTestServer, type TestServer, tempDir } from '../helpers/server.js';

/**
 * Issue #17, who may come in: the sign-up policy, the guest rules and invite links, changed by
 * an admin at runtime and counting at once, without a restart — on SQLite and PostgreSQL.
 */
const BACKENDS = [
  { name: 'sqlite', database: async () => ({ url: undefined as string | undefined, drop: async () => {} }) },
  ...(postgresAdminUrl ? [{ name: 'postgres', database: createTestDatabase }] : []),
];

const PASSWORD = 'correct horse battery';

/** Sends a request as `token` (Bearer, so no CSRF question) and returns status and body. */
async function as(
  token: string | undefined,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** The user as others see them: without their server role. */
const publicOf = ({ user }: AuthResponse) => ({ id: user.id, username: user.username, guest: user.guest });

const signUp = (url: string, inviteToken?: string, username = uniqueName()) =>
  postJson(`${url}/api/auth/register`, {
    username,
    password: PASSWORD,
    ...(inviteToken ? { inviteToken } : {}),
  });

describe.each(BACKENDS)('who may come in, on $name', (backend) => {
  let database: Awaited<ReturnType<typeof backend.database>>;
  let server: TestServer;
  /** Added to the clock: invites expire without the test waiting hours. */
  let clockOffset = 0;
  let admin: AuthResponse;
  let member: AuthResponse;
  let visitor: AuthResponse;
  const settings = (change: Record<string, unknown>) =>
    as(admin.token, 'PUT', `${server.url}/api/admin/settings`, change).then((r) => {
      expect(r.status).toBe(200);
      return r.body.settings;
    });
  const newInvite = async (body: Record<string, unknown> = {}, token = admin.token) => {
    const created = await as(token, 'POST', `${server.url}/api/invites`, body);
    expect(created.status).toBe(201);
    return created.body as { invite: any; token: string; path: string };
  };

  beforeAll(async () => {
    database = await backend.database();
    server = await startTestServer(
      { databaseUrl: database.url },
      { rateRules: relaxedLimits, now: () => Date.now() + clockOffset },
    );
    admin = await register(server.url);
    member = await register(server.url);
    visitor = await guest(server.url);
    expect(admin.user.role).toBe('admin');
  });
  afterAll(async () => {
    closeAllSockets();
    await server.close();
    await database.drop();
  });

  it('tells the sign-in screen what is possible', async () => {
    const { body } = await getJson(`${server.url}/api/auth/options`);
    expect(body).toEqual({ firstAccountIsAdmin: false, signupPolicy: 'open', guestsAllowed: true });
    await settings({ signupPolicy: 'invite', guestsAllowed: false });
    expect((await getJson(`${server.url}/api/auth/options`)).body).toEqual({
      firstAccountIsAdmin: false,
      signupPolicy: 'invite',
      guestsAllowed: false,
    });
    await settings({ signupPolicy: 'open', guestsAllowed: true });
  });

  it('closes and opens sign-up and guest access at once, without a restart', async () => {
    expect(await settings({ signupPolicy: 'closed' })).toMatchObject({
      signupPolicy: 'closed',
      guestsAllowed: true,
    });
    const closed = await signUp(server.url);
    expect(closed.status).toBe(403);
    expect(closed.body).toMatchObject({
      code: 'forbidden',
      detail: expect.stringContaining('sign-up is closed'),
    });
    // Closed means closed: an invite does not open it.
    const { token } = await newInvite();
    expect((await signUp(server.url, token)).status).toBe(403);

    await settings({ signupPolicy: 'invite' });
    const withoutInvite = await signUp(server.url);
    expect(withoutInvite.status).toBe(403);
    expect(withoutInvite.body).toMatchObject({
      field: 'inviteToken',
      detail: expect.stringContaining('needs an invite'),
    });
    expect((await signUp(server.url, token)).status).toBe(201);

    await settings({ signupPolicy: 'open' });
    expect((await signUp(server.url)).status).toBe(201);

    await settings({ guestsAllowed: false });
    const refused = await postJson(`${server.url}/api/auth/guest`, { username: uniqueName('guest') });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('does not let guests in');
    // Logging in is not signing up: accounts still come in.
    const login = await postJson(`${server.url}/api/auth/login`, {
      username: member.user.username,
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
    await settings({ guestsAllowed: true });
    expect((await postJson(`${server.url}/api/auth/guest`, { username: uniqueName('guest') })).status).toBe(
      201,
    );
  });

  it('lets guests create rooms and start DMs only while the settings allow it', async () => {
    const guestSocket = await connect(server.url, visitor.token);
    const memberSocket = await connect(server.url, member.token);
    const group = { kind: 'group', name: 'guest plans' } as const;
    expect(await call(guestSocket, 'room:create', group)).toMatchObject({ ok: true });
    expect(await call(guestSocket, 'dm:open', { userId: admin.user.id })).toMatchObject({ ok: true });

    await settings({ guestsMayCreateRooms: false, guestsMayOpenDms: false });
    for (const refused of [
      await call(guestSocket, 'room:create', group),
      await call(guestSocket, 'room:create', { kind: 'channel', name: uniqueName('guestchan') }),
      await call(guestSocket, 'code:create', {}),
    ]) {
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'forbidden', message: 'guests may not create rooms here' },
      });
    }
    expect(await call(guestSocket, 'dm:open', { userId: member.user.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'guests may not start direct messages here' },
    });
    // A DM the guest already has, or that a member opens with them, is theirs to use.
    expect(await call(guestSocket, 'dm:open', { userId: admin.user.id })).toMatchObject({ ok: true });
    expect(await call(memberSocket, 'dm:open', { userId: visitor.user.id })).toMatchObject({ ok: true });
    // Members are not guests.
    expect(await call(memberSocket, 'room:create', { kind: 'group', name: 'member plans' })).toMatchObject({
      ok: true,
    });

    await settings({ guestsMayCreateRooms: true, guestsMayOpenDms: true });
    expect(await call(guestSocket, 'code:create', {})).toMatchObject({ ok: true });
    guestSocket.disconnect();
    memberSocket.disconnect();
  });

  it('keeps invites to their uses, their expiry and their revocation, and says who used them', async () => {
    await settings({ signupPolicy: 'invite' });
    const { invite, token, path } = await newInvite({ maxUses: 2, expiresInHours: 1 });
    expect(path).toBe(`/#/invite/${token}`);
    expect(invite).toMatchObject({
      maxUses: 2,
      uses: 0,
      state: 'active',
      createdBy: publicOf(admin),
      usedBy: [],
    });
    expect(invite.expiresAt - invite.createdAt).toBe(3_600_000);
    const first = await signUp(server.url, token);
    const second = await signUp(server.url, token);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.user.role).toBe('member');
    const third = await signUp(server.url, token);
    expect(third.status).toBe(403);
    expect(third.body).toMatchObject({
      field: 'inviteToken',
      detail: expect.stringContaining('used as many times'),
    });
    const { body } = await as(admin.token, 'GET', `${server.url}/api/invites`);
    const listed = body.invites.find((i: any) => i.id === invite.id);
    expect(listed).toMatchObject({ uses: 2, state: 'used-up' });
    expect(listed.usedBy.map((u: any) => u.user.id)).toEqual([first.body.user.id, second.body.user.id]);
    // A refused sign-up (a taken name) gives its use back.
    const spare = await newInvite({ maxUses: 1 });
    expect((await signUp(server.url, spare.token, member.user.username)).status).toBe(409);
    expect((await signUp(server.url, spare.token)).status).toBe(201);

    const expiring = await newInvite({ expiresInHours: 1 });
    // The clock only moves forward (the rate limiter's buckets count on it).
    clockOffset += 2 * 3_600_000;
    const late = await signUp(server.url, expiring.token);
    expect(late.status).toBe(403);
    expect(late.body.detail).toContain('expired');
    expect((await as(admin.token, 'GET', `${server.url}/api/invites`)).body.invites[0]).toMatchObject({
      id: expiring.invite.id,
      state: 'expired',
    });

    const revoked = await newInvite();
    const revoke = await as(admin.token, 'DELETE', `${server.url}/api/invites/${revoked.invite.id}`);
    expect(revoke.status).toBe(200);
    expect(revoke.body.invite).toMatchObject({ state: 'revoked', revokedAt: expect.any(Number) });
    const withRevoked = await signUp(server.url, revoked.token);
    expect(withRevoked.status).toBe(403);
    expect(withRevoked.body.detail).toContain('withdrawn');

    const unknown = await signUp(server.url, 'not-a-real-invite-token');
    expect(unknown.status).toBe(403);
    expect(unknown.body.detail).toContain('not valid');
    await settings({ signupPolicy: 'open' });
  });

  it('gives the last use of an invite to exactly one of two people racing for it', async () => {
    await settings({ signupPolicy: 'invite' });
    for (let round = 0; round < 5; round++) {
      const { invite, token } = await newInvite({ maxUses: 1 });
      const results = await Promise.all([signUp(server.url, token), signUp(server.url, token)]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 403]);
      const { body } = await as(admin.token, 'GET', `${server.url}/api/invites`);
      const listed = body.invites.find((i: any) => i.id === invite.id);
      expect(listed).toMatchObject({ uses: 1, state: 'used-up' });
      expect(listed.usedBy).toHaveLength(1);
    }
    await settings({ signupPolicy: 'open' });
  });

  it('lets members make invites only when allowed, and shows them only their own', async () => {
    const mine = as(member.token, 'POST', `${server.url}/api/invites`, {});
    expect((await mine).status).toBe(403);
    await settings({ membersMayInvite: true });
    const { invite } = await newInvite({}, member.token);
    expect(invite.createdBy).toEqual(publicOf(member));
    const theirs = await as(member.token, 'GET', `${server.url}/api/invites`);
    expect(theirs.status).toBe(200);
    expect(theirs.body.invites.map((i: any) => i.createdBy.id)).toEqual([member.user.id]);
    // The admin sees every invite; a member cannot revoke the admin's.
    const all = await as(admin.token, 'GET', `${server.url}/api/invites`);
    expect(all.body.invites.some((i: any) => i.createdBy.id === admin.user.id)).toBe(true);
    const adminsInvite = all.body.invites.find((i: any) => i.createdBy.id === admin.user.id);
    expect((await as(member.token, 'DELETE', `${server.url}/api/invites/${adminsInvite.id}`)).status).toBe(
      404,
    );
    expect((await as(member.token, 'DELETE', `${server.url}/api/invites/${invite.id}`)).status).toBe(200);
    // Guests never.
    expect((await as(visitor.token, 'POST', `${server.url}/api/invites`, {})).status).toBe(403);
    await settings({ membersMayInvite: false });
    expect((await as(member.token, 'POST', `${server.url}/api/invites`, {})).status).toBe(403);
  });

  it('lets an invite in only while its maker may still invite, and audits invites', async () => {
    const inviter = await register(server.url);
    await settings({ membersMayInvite: true, signupPolicy: 'invite' });
    const { invite, token } = await newInvite({}, inviter.token);
    expect(invite.state).toBe('active');

    // Members may no longer invite: the member's invite lapses, for the list and at the door.
    await settings({ membersMayInvite: false });
    const listed = await as(admin.token, 'GET', `${server.url}/api/invites`);
    expect(listed.body.invites.find((i: any) => i.id === invite.id).state).toBe('lapsed');
    const refused = await signUp(server.url, token);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      field: 'inviteToken',
      detail: expect.stringContaining('may no longer invite'),
    });
    // Its maker still sees it, and may end it for good (not this one: it is used below).
    const own = await as(inviter.token, 'GET', `${server.url}/api/invites`);
    expect(own.status).toBe(200);
    expect(own.body.invites.map((i: any) => [i.id, i.state])).toEqual([[invite.id, 'lapsed']]);
    // Allowed again, it works again, and the refusal did not spend a use.
    await settings({ membersMayInvite: true });
    expect((await signUp(server.url, token)).status).toBe(201);

    // A deactivated maker's invites lapse whatever the setting.
    const second = await newInvite({}, inviter.token);
    expect(
      (
        await as(admin.token, 'PATCH', `${server.url}/api/admin/users/${inviter.user.id}`, {
          deactivated: true,
        })
      ).status,
    ).toBe(200);
    expect((await signUp(server.url, second.token)).body.detail).toContain('may no longer invite');
    // A revoked one says it was withdrawn, not that its maker lapsed.
    expect((await as(admin.token, 'DELETE', `${server.url}/api/invites/${second.invite.id}`)).status).toBe(
      200,
    );
    expect((await signUp(server.url, second.token)).body.detail).toContain('withdrawn');

    const aboutInviter = await as(
      admin.token,
      'GET',
      `${server.url}/api/admin/audit?target=${inviter.user.id}`,
    );
    expect(aboutInviter.body.entries.map((e: any) => e.action)).toContain('invite.revoke');
    const actions = (await as(admin.token, 'GET', `${server.url}/api/admin/audit`)).body.entries.map(
      (e: any) => `${e.action} ${e.detail?.inviteId ?? ''}`,
    );
    expect(actions).toContain(`invite.create ${invite.id}`);
    expect(actions).toContain(`invite.create ${second.invite.id}`);
    expect(actions).toContain(`invite.revoke ${second.invite.id}`);
    await settings({ membersMayInvite: false, signupPolicy: 'open' });
  });

  it('refuses every settings and invite route to those who may not: 401 signed out, 403 otherwise', async () => {
    const { invite } = await newInvite();
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/admin/settings'],
      ['PUT', '/api/admin/settings', { signupPolicy: 'closed' }],
      ['GET', '/api/invites'],
      ['POST', '/api/invites', {}],
      ['DELETE', `/api/invites/${invite.id}`],
    ];
    for (const [method, route, body] of routes) {
      expect((await as(undefined, method, `${server.url}${route}`, body)).status, `${method} ${route}`).toBe(
        401,
      );
      for (const who of [member, visitor]) {
        const answer = await as(who.token, method, `${server.url}${route}`, body);
        if (who === member && route.startsWith('/api/invites') && method !== 'POST') {
          // A member sees and revokes their own invites only: the admin's is not among them.
          if (method === 'GET') {
            expect(answer.status).toBe(200);
            expect(answer.body.invites.some((i: any) => i.id === invite.id)).toBe(false);
          } else expect(answer.status).toBe(404);
          continue;
        }
        expect(answer.status, `${method} ${route} as ${who.user.role}`).toBe(403);
        expect(answer.body.code).toBe('forbidden');
      }
    }
    // Nothing changed.
    const { body } = await as(admin.token, 'GET', `${server.url}/api/admin/settings`);
    expect(body.settings.signupPolicy).toBe('open');
    expect(
      (await as(admin.token, 'GET', `${server.url}/api/invites`)).body.invites.find(
        (i: any) => i.id === invite.id,
      ).state,
    ).toBe('active');
    // A cookie-borne change from another site is refused before anything else (CSRF).
    const forged = await fetch(`${server.url}/api/admin/settings`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        cookie: `parley_session=${admin.token}`,
        origin: 'https://evil.example',
      },
      body: JSON.stringify({ signupPolicy: 'closed' }),
    });
    expect(forged.status).toBe(403);
    // Bad input is a 400.
    expect(
      (await as(admin.token, 'PUT', `${server.url}/api/admin/settings`, { signupPolicy: 'maybe' })).status,
    ).toBe(400);
    expect(
      (await as(admin.token, 'PUT', `${server.url}/api/admin/settings`, { nonsense: true })).status,
    ).toBe(400);
    expect((await as(admin.token, 'POST', `${server.url}/api/invites`, { maxUses: 0 })).status).toBe(400);
  });
});

describe('a fresh server with sign-up closed', () => {
  let server: TestServer;
  const dataDir = tempDir();
  beforeAll(async () => {
    server = await startTestServer(
      { dataDir, signupPolicy: 'closed', guestsAllowed: false },
      { rateRules: relaxedLimits },
    );
  });
  afterAll(() => server.close());

  it('still gets its admin, and nobody after', async () => {
    expect((await getJson(`${server.url}/api/auth/options`)).body).toEqual({
      firstAccountIsAdmin: true,
      signupPolicy: 'closed',
      guestsAllowed: false,
    });
    expect((await postJson(`${server.url}/api/auth/guest`, { username: uniqueName('guest') })).status).toBe(
      403,
    );
    // Two racing to be the first: one is the admin, the other is refused.
    const [a, b] = await Promise.all([signUp(server.url), signUp(server.url)]);
    expect([a.status, b.status].sort()).toEqual([201, 403]);
    const first = a.status === 201 ? a : b;
    expect(first.body.user.role).toBe('admin');
    expect((await signUp(server.url)).status).toBe(403);
  });

  it('keeps what the admin set over the environment on the next start', async () => {
    const { body } = await postJson(`${server.url}/api/auth/login`, {
      username: await (async () => {
        const rows = await server.parley.database.db
          .selectFrom('users')
          .select('username')
          .where('role', '=', 'admin')
          .execute();
        return rows[0]!.username;
      })(),
      password: PASSWORD,
    });
    const changed = await as(body.token, 'PUT', `${server.url}/api/admin/settings`, {
      signupPolicy: 'invite',
      guestsAllowed: true,
    });
    expect(changed.status).toBe(200);
    await server.close();
    server = await startTestServer(
      { dataDir, signupPolicy: 'open', guestsAllowed: false },
      { rateRules: relaxedLimits },
    );
    expect((await getJson(`${server.url}/api/auth/options`)).body).toMatchObject({
      signupPolicy: 'invite',
      guestsAllowed: true,
    });
  });
});
