import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, register } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Failed logins are throttled per account and address, so an attacker elsewhere cannot lock
 * the owner out. Production limits; TRUST_PROXY lets the test speak from several addresses
 * through X-Forwarded-For, as nginx would report them.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ trustProxy: true });
});
afterAll(async () => {
  await server.close();
});

const PASSWORD = 'correct horse battery';

const login = (username: string, password: string, address: string) =>
  postJson(`${server.url}/api/auth/login`, { username, password }, { 'x-forwarded-for': address });

async function failures(username: string, address: string, count: number): Promise<number[]> {
  const statuses = [];
  for (let i = 0; i < count; i++) statuses.push((await login(username, 'wrong password', address)).status);
  return statuses;
}

describe('failed logins', () => {
  it('lock out the address they come from, not the owner elsewhere', async () => {
    const { user } = await register(server.url);
    const attacker = '203.0.113.5';
    expect(await failures(user.username, attacker, 7)).toEqual([401, 401, 401, 401, 401, 429, 429]);

    const owner = await login(user.username, PASSWORD, '198.51.100.7');
    expect(owner.status).toBe(200);
    expect(owner.body.user.id).toBe(user.id);

    // The attacker's address stays locked out of this account, even with the right password.
    const fromAttacker = await login(user.username, PASSWORD, attacker);
    expect(fromAttacker.status).toBe(429);
    expect(fromAttacker.body.detail).toMatch(/from your address/);
    expect(Number(fromAttacker.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('count the account however its name is spelt', async () => {
    const { user } = await register(server.url);
    const spellings = [user.username, user.username.toUpperCase(), ` ${user.username}\u200b`];
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await login(spellings[i % 3]!, 'wrong password', '203.0.113.6')).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('from one address do not lock that address out of other accounts', async () => {
    const [first, second] = [await register(server.url), await register(server.url)];
    await failures(first.user.username, '203.0.113.7', 6);
    expect((await login(second.user.username, 'wrong password', '203.0.113.7')).status).toBe(401);
    expect((await login(second.user.username, PASSWORD, '203.0.113.7')).status).toBe(200);
  });

  it('count an IPv6 client by its /64 network', async () => {
    const { user } = await register(server.url);
    expect(await failures(user.username, '2001:db8:1:2::10', 5)).toEqual([401, 401, 401, 401, 401]);
    expect((await login(user.username, 'wrong password', '2001:db8:1:2:ffff::99')).status).toBe(429);
    expect((await login(user.username, PASSWORD, '2001:db8:1:3::10')).status).toBe(200);
  });

  it('spread over many addresses still hit a cap on the account', async () => {
    const { user } = await register(server.url);
    // Six addresses, five failures each: the account's own bucket (30) is empty.
    for (let n = 1; n <= 6; n++) {
      expect(await failures(user.username, `192.0.2.${n}`, 5), `address ${n}`).toEqual([
        401, 401, 401, 401, 401,
      ]);
    }
    const seventh = await login(user.username, 'wrong password', '192.0.2.7');
    expect(seventh.status).toBe(429);
    expect(seventh.body.detail).toMatch(/for this account, try again/);
  });

  it('throttle a name nobody has like one that exists', async () => {
    const statuses = await failures('nobody-by-this-name', '203.0.113.8', 6);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
