import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, closeAllSockets, postJson, signedIn, uniqueName } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * A refusal about one field of a request names it (`field`), so a form shows the message under
 * that field instead of guessing from the wording: on HTTP problems and on socket acks alike.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { rateRules: relaxedLimits });
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

describe('refusals name the field they are about', () => {
  it('over HTTP: a bad or taken username, a short password, a schema refusal', async () => {
    const badName = await postJson(`${server.url}/api/auth/guest`, { username: 'no spaces here' });
    expect(badName.status).toBe(400);
    expect(badName.body.field).toBe('username');

    const shortPassword = await postJson(`${server.url}/api/auth/register`, {
      username: uniqueName('pw'),
      password: 'short',
    });
    expect(shortPassword.status).toBe(400);
    expect(shortPassword.body.field).toBe('password');

    const name = uniqueName('taken');
    expect((await postJson(`${server.url}/api/auth/guest`, { username: name })).status).toBe(201);
    const taken = await postJson(`${server.url}/api/auth/register`, {
      username: name,
      password: 'long enough pw',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.field).toBe('username');

    // Refused by the route's schema, before any rule of ours ran.
    const wrongType = await postJson(`${server.url}/api/auth/guest`, { username: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.field).toBe('username');
  });

  it('changing a password: a wrong current one, a new one too short', async () => {
    const alice = await signedIn(server.url);
    const auth = { authorization: `Bearer ${alice.token}` };
    const wrong = await postJson(
      `${server.url}/api/auth/password`,
      { currentPassword: 'not the password', newPassword: 'long enough pw 2' },
      auth,
    );
    expect([wrong.status, wrong.body.field]).toEqual([401, 'currentPassword']);
    const short = await postJson(
      `${server.url}/api/auth/password`,
      { currentPassword: 'correct horse battery', newPassword: 'short' },
      auth,
    );
    expect([short.status, short.body.field]).toEqual([400, 'newPassword']);
  });

  it('and a failed sign-in names none: it must not tell which of the two was wrong', async () => {
    const failed = await postJson(`${server.url}/api/auth/login`, {
      username: uniqueName('nobody'),
      password: 'long enough pw',
    });
    expect(failed.status).toBe(401);
    expect(failed.body.field).toBeUndefined();
  });

  it('over the socket: a bad or taken channel name, a group over its limit, a bad payload', async () => {
    const alice = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const carol = await signedIn(server.url);

    const badName = await call(alice.socket, 'room:create', { kind: 'channel', name: 'no/slashes' });
    expect(badName.ok).toBe(false);
    if (!badName.ok) expect(badName.error.field).toBe('name');

    const taken = await call(alice.socket, 'room:create', { kind: 'channel', name: 'general' });
    expect(taken.ok).toBe(false);
    if (!taken.ok) expect([taken.error.code, taken.error.field]).toEqual(['conflict', 'name']);

    const over = await call(alice.socket, 'room:create', {
      kind: 'group',
      name: uniqueName('grp'),
      memberIds: [bob.user.id, carol.user.id],
      maxMembers: 2,
    });
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.error.field).toBe('maxMembers');

    const wrongType = await call(alice.socket, 'room:create', { kind: 'channel', name: 7 } as never);
    expect(wrongType.ok).toBe(false);
    if (!wrongType.ok) expect([wrongType.error.code, wrongType.error.field]).toEqual(['bad_request', 'name']);
  });
});
