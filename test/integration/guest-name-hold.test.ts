import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllSockets,
  connect,
  getJson,
  ok,
  postJson,
  send,
  settle,
  signedIn,
  uniqueName,
} from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

// Short enough to wait out in a test; production holds a name as long as a guest session lasts.
const HOLD_MS = 1_500;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ guestNameHoldMs: HOLD_MS }, { rateRules: relaxedLimits });
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  await server.close();
});

const claimGuest = (username: string) => postJson(`${server.url}/api/auth/guest`, { username });

describe('a guest name given up', () => {
  it('is held for a while, so nobody can pose as the guest others were talking to', async () => {
    const alice = await signedIn(server.url);
    const bobName = uniqueName('bob');
    const bob = await signedIn(server.url, 'guest', bobName);
    const { room: dm } = await ok(bob.socket, 'dm:open', { userId: alice.user.id });
    await send(bob.socket, dm.id, 'it is me, bob: the code for the door is 4711');
    const { room: group } = await ok(bob.socket, 'room:create', {
      kind: 'group',
      name: 'bob and alice',
      memberIds: [alice.user.id],
    });

    const logout = await postJson(
      `${server.url}/api/auth/logout`,
      {},
      { authorization: `Bearer ${bob.token}` },
    );
    expect(logout.status).toBe(204);
    const releasedAt = Date.now();

    // Someone else, at once: refused, with the usual "taken" code and a message that says why.
    const impostor = await claimGuest(bobName);
    expect(impostor.status).toBe(409);
    expect(impostor.body.code).toBe('conflict');
    expect(impostor.body.detail).toMatch(/recently/);
    // Nor by another spelling, nor as an account.
    expect((await claimGuest(bobName.toUpperCase())).status).toBe(409);
    // A look-alike: Cyrillic о for the Latin o.
    expect((await claimGuest(bobName.replace('o', '\u043e'))).status).toBe(409);
    const account = await postJson(`${server.url}/api/auth/register`, {
      username: bobName,
      password: 'long enough pw',
    });
    expect(account.status).toBe(409);
    expect(account.body.detail).toMatch(/recently/);
    // And nobody finds the old bob to open a new DM with while the name is held.
    const found = await ok(alice.socket, 'users:search', { query: bobName });
    expect(found.users.map((user) => user.username)).not.toContain(bobName);

    // After the hold, the name is free again, for a new person.
    await settle(Math.max(0, releasedAt + HOLD_MS + 200 - Date.now()));
    const newBob = await claimGuest(bobName);
    expect(newBob.status).toBe(201);
    expect(newBob.body.user.id).not.toBe(bob.user.id);

    // The new bob sees none of the old bob's conversations, and cannot read them.
    const socket = await connect(server.url, newBob.body.token);
    const { rooms } = await ok(socket, 'rooms:list');
    expect(rooms.map((room) => room.id)).not.toContain(dm.id);
    expect(rooms.map((room) => room.id)).not.toContain(group.id);
    for (const roomId of [dm.id, group.id]) {
      const history = await getJson(`${server.url}/api/rooms/${roomId}/messages?limit=50`, newBob.body.token);
      expect(history.status).toBe(404);
    }
    const replay = await ok(socket, 'sync', { cursors: { [dm.id]: 0, [group.id]: 0 } });
    expect(replay.events).toEqual([]);
    expect(replay.gone.sort()).toEqual([dm.id, group.id].sort());
  });

  it('is "taken", not "recently used", while the guest still has a session', async () => {
    const name = uniqueName('carol');
    const first = await signedIn(server.url, 'guest', name);
    // Taken (not "recently used") while a session lives.
    const taken = await claimGuest(name);
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toBe('that username is taken');
    expect(first.user.guest).toBe(true);
  });
});
