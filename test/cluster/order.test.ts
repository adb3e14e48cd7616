import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAllSockets, ok, send, signedIn, until } from '../helpers/clients.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { type ServerProcess, spawnServer } from '../helpers/process.js';
import { redisServerPath, startRedis, type TestRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/server.js';

/**
 * Three node processes on one PostgreSQL and one Redis, everybody writing into one room at
 * once. A room's seq order is its commit order; the nodes must deliver it in that order, or
 * receivers see gaps and sync. Node A reaches Redis over a slower link (10 ms each way, as from
 * another zone; ORDER_TEST_LINK_MS changes it), so what A commits reaches the others later
 * than what B and C commit after it — and the others' commits reach A late.
 */
const SLOW_LINK_MS = Number(process.env.ORDER_TEST_LINK_MS ?? 10);
const METRICS_TOKEN = 'order-test-metrics-token';

describe.skipIf(!postgresAdminUrl || !redisServerPath)('live order across nodes', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let redis: TestRedis;
  let slowLink: FaultProxy | undefined;
  const nodes: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedis();
    slowLink = await startFaultProxy(redis.port);
    slowLink.latency(SLOW_LINK_MS);
    for (const [name, redisUrl] of [
      ['order-a', slowLink.via(redis.url)],
      ['order-b', redis.url],
      ['order-c', redis.url],
    ]) {
      nodes.push(
        await spawnServer({
          DATABASE_URL: database.url,
          REDIS_URL: redisUrl!,
          NODE_ID: name!,
          DATA_DIR: tempDir(),
          METRICS_TOKEN,
        }),
      );
    }
  }, 60_000);
  afterEach(() => closeAllSockets());
  afterAll(async () => {
    for (const node of nodes) await node.stop('SIGKILL');
    await slowLink?.close();
    await redis?.stop();
    await database?.drop();
  });

  it('delivers the events of a room in seq order, so clients rarely need a gap sync', async () => {
    const senders = [];
    for (const node of nodes) for (let i = 0; i < 10; i++) senders.push(await signedIn(node.url));
    const receivers = [];
    for (const node of nodes) receivers.push(await signedIn(node.url));
    const { room } = await ok(senders[0]!.socket, 'room:create', {
      kind: 'group',
      name: 'order across nodes',
      memberIds: [...senders.slice(1), ...receivers].map((u) => u.user.id),
    });
    for (const member of [...senders, ...receivers].slice(1)) {
      await member.recorder.wait('room:added', (e) => e.room.id === room.id);
    }

    // Each sender's whole burst allowance (docs/protocol.md §10) at once.
    const PER_SENDER = 20;
    // One message at a time per sender, so batches stay small and commit quickly.
    await Promise.all(
      senders.map(async ({ socket }, s) => {
        for (let i = 0; i < PER_SENDER; i++) await send(socket, room.id, `s${s} m${i}`);
      }),
    );
    const total = senders.length * PER_SENDER;
    const { lastSeq } = (await ok(receivers[0]!.socket, 'rooms:list')).rooms.find((r) => r.id === room.id)!;
    const gapsPer1000 = [];
    for (const { recorder } of receivers) {
      await until(
        () => recorder.of('message:new').some((e) => e.seq === lastSeq),
        15_000,
        'the last message',
      );
      // What a client does (docs/protocol.md §8): a seq beyond its cursor + 1 means a sync.
      let cursor = 0;
      let gaps = 0;
      for (const event of recorder.of('message:new').filter((e) => e.roomId === room.id)) {
        if (cursor > 0 && event.seq > cursor + 1) gaps++;
        cursor = Math.max(cursor, event.seq);
      }
      gapsPer1000.push((gaps / total) * 1000);
    }
    console.log(
      `[live order] ${total} messages from ${senders.length} senders on 3 nodes; gap syncs per 1000 messages, per receiver: ${gapsPer1000.map((g) => g.toFixed(1)).join(', ')}`,
    );
    // The slow link did reorder arrivals: the nodes put them back in order.
    let held = 0;
    for (const node of nodes) {
      const text = await (
        await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      ).text();
      const counter = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
      held += counter('parley_room_events_held_total');
      console.log(
        `[live order] ${node.url}: held ${counter('parley_room_events_held_total')}, gave up ${counter('parley_room_gaps_given_up_total')}`,
      );
    }
    for (const gaps of gapsPer1000) expect(gaps).toBeLessThan(10);
    expect(held).toBeGreaterThan(0);
  }, 90_000);
});
