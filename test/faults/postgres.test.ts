import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  channelId,
  closeAllSockets,
  getJson,
  send,
  settle,
  signedIn,
  until,
} from '../helpers/clients.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { freePort, type ServerProcess, spawnServer } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';

/**
 * PostgreSQL failing under a running node, the way it does in production: a restart, a
 * failover or a network blip drops every connection while queries run, then the server
 * refuses connections for a while. The node must stay up, answer `unavailable`, say so on
 * /readyz, and recover by itself.
 */
describe.skipIf(!postgresAdminUrl)('a node whose PostgreSQL connections fail', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: FaultProxy;
  let node: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await startFaultProxy(Number(new URL(database.url).port || 5432));
    node = await spawnServer({ DATABASE_URL: proxy.via(database.url), DATA_DIR: tempDir() });
  }, 60_000);
  afterEach(() => closeAllSockets());
  afterAll(async () => {
    await node?.stop('SIGKILL');
    await proxy?.close();
    await database?.drop();
  });

  const readyStatus = async () => (await fetch(`${node.url}/readyz`)).status;

  it('survives every connection cut mid-query, answers unavailable while the database is away, and recovers', async () => {
    const readers = await Promise.all(Array.from({ length: 20 }, () => signedIn(node.url)));
    const general = await channelId(readers[0]!.socket, 'general');
    for (let i = 0; i < 30; i++) await send(readers[i % 10]!.socket, general, `history line ${i}`);

    // Twenty readers page through history as fast as the server answers them.
    const statuses = new Map<number, number>();
    const codes = new Set<string>();
    let reading = true;
    const loops = readers.map(async ({ token }) => {
      while (reading) {
        const page = await getJson(`${node.url}/api/rooms/${general}/messages?limit=50`, token).catch(() => ({
          status: 0,
          body: null,
        }));
        statuses.set(page.status, (statuses.get(page.status) ?? 0) + 1);
        if (page.status !== 200) codes.add(page.body?.code);
        await settle(20);
      }
    });
    await until(() => (statuses.get(200) ?? 0) >= 40, 10_000, 'history pages before the cut');
    expect(proxy.openConnections()).toBeGreaterThan(0);

    proxy.cut();
    await settle(300);
    expect(node.child.exitCode, node.output()).toBeNull();

    // The database is now away: nothing can be read or written, and the node says so.
    await proxy.refuse();
    await until(async () => (await readyStatus()) === 503, 10_000, 'readyz 503 while the database is away');
    const refused = await call(readers[1]!.socket, 'message:send', {
      roomId: general,
      clientMsgId: randomUUID(),
      text: 'while the database is away',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const history = await getJson(`${node.url}/api/rooms/${general}/messages`, readers[2]!.token);
    expect(history.status).toBe(503);
    expect(history.body.code).toBe('unavailable');
    // Over HTTP as over the socket: try again, and here is when.
    expect(Number(history.headers.get('retry-after'))).toBeGreaterThan(0);

    await proxy.heal();
    await until(async () => (await readyStatus()) === 200, 15_000, 'readyz 200 once the database is back');
    const after = await send(readers[1]!.socket, general, 'after the database came back');
    expect(after.message.seq).toBeGreaterThan(30);
    reading = false;
    await Promise.all(loops);

    expect(node.child.exitCode, node.output()).toBeNull();
    // Reads that failed said why in terms a client can act on, never as an internal error.
    expect(statuses.get(500) ?? 0, node.output()).toBe(0);
    expect([...codes].filter((code) => code !== 'unavailable')).toEqual([]);
    expect(node.output()).toMatch(/PostgreSQL connection lost/);
  }, 90_000);
});

describe('starting without a database or Redis', () => {
  it('names DATABASE_URL, where it points (without the password) and why', async () => {
    const port = await freePort();
    const failure = await spawnServer(
      { DATABASE_URL: `postgres://parley:secret-password@127.0.0.1:${port}/parley`, DATA_DIR: tempDir() },
      30_000,
    ).then(
      () => {
        throw new Error('the server started without a database');
      },
      (error: Error) => error.message,
    );
    expect(failure).toContain(
      `cannot reach the database at DATABASE_URL (postgres://parley@127.0.0.1:${port}/parley): ECONNREFUSED`,
    );
    expect(failure).not.toContain('secret-password');
    expect(failure).not.toMatch(/\n\s+at /);
  });

  it('names REDIS_URL and why', async () => {
    const port = await freePort();
    const failure = await spawnServer(
      { REDIS_URL: `redis://:secret-password@127.0.0.1:${port}`, DATA_DIR: tempDir() },
      30_000,
    ).then(
      () => {
        throw new Error('the server started without Redis');
      },
      (error: Error) => error.message,
    );
    expect(failure).toContain(`cannot reach Redis at REDIS_URL (redis://127.0.0.1:${port}): ECONNREFUSED`);
    expect(failure).not.toContain('secret-password');
    expect(failure).not.toMatch(/\n\s+at /);
  });
});
