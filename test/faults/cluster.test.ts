import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  closeAllSockets,
  connect,
  getJson,
  ok,
  Recorder,
  register,
  send,
  settle,
  signedIn,
  until,
} from '../helpers/clients.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { type ServerProcess, spawnServer } from '../helpers/process.js';
import { redisServerPath, startRedis, type TestRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/server.js';

/**
 * What a cluster's shared state goes through in production — a Redis that restarts empty, a
 * node that crashes and comes back under the same NODE_ID, a node that is stopped — with
 * presence and the rooms that depend on it (code rooms, random matches) checked, not only
 * delivery.
 */
const GRACE_MS = 800;
const PRESENCE_GRACE_MS = 300;

describe.skipIf(!postgresAdminUrl || !redisServerPath)('cluster faults', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let redis: TestRedis;
  let env: Record<string, string>;
  const started: ServerProcess[] = [];

  const startNode = async (name: string, extra: Record<string, string> = {}) => {
    const node = await spawnServer({ ...env, NODE_ID: name, ...extra });
    started.push(node);
    return node;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedis();
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      DATA_DIR: tempDir(),
      EPHEMERAL_GRACE_MS: String(GRACE_MS),
      PRESENCE_GRACE_MS: String(PRESENCE_GRACE_MS),
      PRESENCE_TTL_MS: '1500',
    };
    // The first start migrates and seeds; later ones find it done.
    await startNode('seed').then((node) => node.stop());
  }, 60_000);
  afterEach(() => closeAllSockets());
  afterAll(async () => {
    for (const node of started) await node.stop('SIGKILL');
    await redis?.stop();
    await database?.drop();
  });

  /** Online as another member sees it in `room:members`. */
  const onlineIn = async (viewer: Awaited<ReturnType<typeof signedIn>>, roomId: string) =>
    new Set(
      (await ok(viewer.socket, 'room:members', { roomId })).members.filter((m) => m.online).map((m) => m.id),
    );

  it('rebuilds presence after Redis restarts empty, and ends no room of users who stayed', async () => {
    const a = await startNode('restart-a');
    const b = await startNode('restart-b');
    const users: Awaited<ReturnType<typeof signedIn>>[] = [];
    for (let i = 0; i < 10; i++) users.push(await signedIn(i < 5 ? a.url : b.url, 'guest'));
    const observer = await signedIn(a.url);
    const { room: group } = await ok(observer.socket, 'room:create', {
      kind: 'group',
      name: 'everyone',
      memberIds: users.map((u) => u.user.id),
    });
    const [u0, u1, , , , u5, u6] = users as [typeof observer, ...(typeof observer)[]];
    const { room: codeRoom, code } = await ok(u0.socket, 'code:create', {});
    await ok(u5!.socket, 'code:join', { code });
    expect(await ok(u1!.socket, 'match:random')).toMatchObject({ status: 'waiting' });
    const matched = await ok(u6!.socket, 'match:random');
    if (matched.status !== 'matched') throw new Error('expected a match');
    const everyone = new Set(users.map((u) => u.user.id));
    await until(async () => (await onlineIn(observer, group.id)).size === 11, 5_000, 'everyone online');
    expect(await onlineIn(observer, group.id)).toEqual(new Set([...everyone, observer.user.id]));

    await redis.restart(1_000);
    // Every node writes its share back: all ten are online again without reconnecting.
    await until(
      async () => (await onlineIn(observer, group.id).catch(() => new Set<string>())).size === 11,
      10_000,
      'everyone online again after the restart',
    );
    // Long past the ephemeral grace: the code room and the match live on.
    await settle(GRACE_MS * 4 + 1_500);
    for (const member of [u0, u5!, u1!, u6!]) {
      expect(member.recorder.of('room:deleted'), member.user.username).toEqual([]);
      expect(member.recorder.of('room:member-left'), member.user.username).toEqual([]);
    }
    await send(u0.socket, codeRoom.id, 'still here');
    await send(u1!.socket, matched.room.id, 'still matched');

    // Presence keeps working after the restart: a user who leaves now is announced offline.
    users[3]!.socket.disconnect();
    const offline = await observer.recorder.wait(
      'presence',
      (e) => e.userId === users[3]!.user.id && !e.online,
      10_000,
    );
    expect(offline.lastSeenAt).toBeGreaterThan(0);
    await a.stop('SIGKILL');
    await b.stop('SIGKILL');
  }, 90_000);

  it('announces the users of a crashed node offline when it restarts under the same NODE_ID', async () => {
    // A TTL longer than the restart takes: the new process finds its old heartbeat alive.
    const ttl = { PRESENCE_TTL_MS: '20000' };
    const steady = await startNode('steady', ttl);
    let crashing = await startNode('crashing', ttl);
    const observer = await signedIn(steady.url);
    const partner = await signedIn(steady.url, 'guest');
    const victimAuth = await register(crashing.url);
    const victimSocket = await connect(crashing.url, victimAuth.token);
    const victim = { ...victimAuth, socket: victimSocket, recorder: new Recorder(victimSocket) };
    const { room: dm } = await ok(observer.socket, 'dm:open', { userId: victim.user.id });
    const { room, code } = await ok(partner.socket, 'code:create', {});
    await ok(victim.socket, 'code:join', { code });
    await until(
      async () => (await onlineIn(observer, dm.id)).has(victim.user.id),
      5_000,
      'the victim online',
    );

    await crashing.stop('SIGKILL');
    crashing = await startNode('crashing', ttl);
    const offline = await observer.recorder.wait(
      'presence',
      (e) => e.userId === victim.user.id && !e.online,
      10_000,
    );
    expect(offline.lastSeenAt).toBeGreaterThan(0);
    // And the code room sees them leave once the grace is over.
    await partner.recorder.wait(
      'room:member-left',
      (e) => e.roomId === room.id && e.userId === victim.user.id,
      10_000,
    );
    await steady.stop('SIGKILL');
    await crashing.stop('SIGKILL');
  }, 90_000);

  it('stops on SIGTERM in order: announces its users offline and records when they were last seen', async () => {
    const staying = await startNode('staying');
    const stopping = await startNode('stopping');
    const observer = await signedIn(staying.url);
    const leaverAuth = await register(stopping.url);
    const leaverSocket = await connect(stopping.url, leaverAuth.token);
    const { room } = await ok(observer.socket, 'dm:open', { userId: leaverAuth.user.id });
    await until(async () => (await onlineIn(observer, room.id)).has(leaverAuth.user.id));
    const message = await send(leaverSocket, room.id, 'last words before the stop');

    const stoppedAt = Date.now();
    expect(await stopping.stop('SIGTERM')).toBe(0);
    expect(stopping.output()).not.toMatch(/final writes failed|could not record going offline/);
    const offline = await observer.recorder.wait(
      'presence',
      (e) => e.userId === leaverAuth.user.id && !e.online,
      10_000,
    );
    expect(offline.lastSeenAt).toBeGreaterThanOrEqual(stoppedAt - 100);
    const { members } = await ok(observer.socket, 'room:members', { roomId: room.id });
    expect(members.find((m) => m.id === leaverAuth.user.id)).toMatchObject({ online: false });
    expect(members.find((m) => m.id === leaverAuth.user.id)!.lastSeenAt).toBeGreaterThanOrEqual(
      stoppedAt - 100,
    );
    await observer.recorder.wait('message:new', (e) => e.message.id === message.message.id);
    await staying.stop('SIGKILL');
  }, 60_000);

  it('keeps both nodes, presence and code rooms right when PostgreSQL connections are cut mid-query', async () => {
    const proxy = await startFaultProxy(Number(new URL(database.url).port || 5432));
    try {
      const viaProxy = { DATABASE_URL: proxy.via(database.url) };
      const a = await startNode('pg-cut-a', viaProxy);
      const b = await startNode('pg-cut-b', viaProxy);
      const alice = await signedIn(a.url, 'guest');
      const bob = await signedIn(b.url, 'guest');
      const observer = await signedIn(a.url);
      const carol = await signedIn(b.url);
      const { room: codeRoom, code } = await ok(alice.socket, 'code:create', {});
      await ok(bob.socket, 'code:join', { code });
      const { room: dm } = await ok(observer.socket, 'dm:open', { userId: carol.user.id });
      await until(async () => (await onlineIn(observer, dm.id)).has(carol.user.id), 5_000, 'carol online');

      // Readers keep queries in flight on both nodes when every connection is cut.
      let reading = true;
      const statuses: number[] = [];
      const readers = [alice, bob].map(async ({ token }, i) => {
        const url = i === 0 ? a.url : b.url;
        while (reading) {
          const page = await getJson(`${url}/api/rooms/${codeRoom.id}/messages`, token).catch(() => ({
            status: 0,
          }));
          statuses.push(page.status);
          await settle(100);
        }
      });
      await settle(300);
      proxy.cut();
      await proxy.refuse();
      // Carol leaves while the database is away; the others stay connected throughout.
      carol.socket.disconnect();
      await settle(GRACE_MS * 2 + 500);
      await proxy.heal();
      for (const node of [a, b]) {
        await until(async () => (await fetch(`${node.url}/readyz`)).status === 200, 15_000, 'ready again');
      }
      reading = false;
      await Promise.all(readers);

      for (const node of [a, b]) expect(node.child.exitCode, node.output()).toBeNull();
      expect(statuses.filter((status) => status === 500)).toEqual([]);
      // Carol is announced offline, with the time she left, once the database can say where.
      const offline = await observer.recorder.wait(
        'presence',
        (e) => e.userId === carol.user.id && !e.online,
        10_000,
      );
      expect(offline.lastSeenAt).toBeGreaterThan(0);
      // Alice and Bob never left: their code room lives on, and both still count as online.
      await settle(GRACE_MS * 2);
      for (const member of [alice, bob]) {
        expect(member.recorder.of('room:deleted')).toEqual([]);
        expect(member.recorder.of('room:member-left')).toEqual([]);
      }
      expect(await onlineIn(alice, codeRoom.id)).toEqual(new Set([alice.user.id, bob.user.id]));
      const after = await send(alice.socket, codeRoom.id, 'after the database came back');
      await bob.recorder.wait('message:new', (e) => e.message.id === after.message.id);
      await a.stop('SIGKILL');
      await b.stop('SIGKILL');
    } finally {
      await proxy.close();
    }
  }, 90_000);

  it('acks and delivers on a node at once while Redis is down, and across nodes once it is back', async () => {
    const a = await startNode('outage-a');
    const b = await startNode('outage-b');
    const alice = await signedIn(a.url);
    const bob = await signedIn(a.url);
    const carol = await signedIn(b.url);
    const { room } = await ok(alice.socket, 'room:create', {
      kind: 'group',
      name: 'outage',
      memberIds: [bob.user.id, carol.user.id],
    });
    await carol.recorder.wait('room:added', (e) => e.room.id === room.id);

    const back = redis.restart(3_000);
    await settle(300);
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const sentAt = performance.now();
      const { message } = await send(alice.socket, room.id, `during the outage ${i}`);
      latencies.push(performance.now() - sentAt);
      await bob.recorder.wait('message:new', (e) => e.message.id === message.id, 1_000);
    }
    latencies.sort((x, y) => x - y);
    expect(latencies[8], `ack latencies ${latencies.map(Math.round).join(', ')} ms`).toBeLessThan(250);
    await back;

    const after = await send(alice.socket, room.id, 'after the outage');
    await carol.recorder.wait('message:new', (e) => e.message.id === after.message.id, 10_000);
    expect(await call(carol.socket, 'room:read', { roomId: room.id, seq: after.message.seq })).toMatchObject({
      ok: true,
    });
    await a.stop('SIGKILL');
    await b.stop('SIGKILL');
  }, 60_000);
});
