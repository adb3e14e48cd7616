import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from '../../src/web/state/client.js';
import { startBalancer } from '../helpers/balancer.js';
import {
  call,
  channelId,
  closeAllSockets,
  connect,
  getJson,
  ok,
  postJson,
  Recorder,
  register,
  send,
  settle,
  signedIn,
  until,
} from '../helpers/clients.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { type ServerProcess, spawnServer } from '../helpers/process.js';
import { redisServerPath, startRedis, type TestRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/server.js';
import { MemoryStorage } from '../helpers/storage.js';

/**
 * Several real Parley processes sharing one PostgreSQL database and one Redis: what a
 * deployment behind a load balancer looks like. Users are deliberately put on different nodes.
 */
const GRACE_MS = 800;
const PRESENCE_TTL_MS = 1_500;
// Nodes serve /metrics on their main port only behind this token (METRICS_TOKEN).
const METRICS_TOKEN = 'cluster-test-metrics-token';
const metricsOf = async (url: string) =>
  (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();

describe.skipIf(!postgresAdminUrl || !redisServerPath)(
  'cluster of Parley nodes on PostgreSQL + Redis',
  () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let redis: TestRedis;
    const nodes: ServerProcess[] = [];
    let env: Record<string, string>;
    const clients: ChatClient[] = [];

    const startNode = async (name: string) => {
      const node = await spawnServer({ ...env, NODE_ID: name });
      nodes.push(node);
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
        PRESENCE_TTL_MS: String(PRESENCE_TTL_MS),
        PRESENCE_GRACE_MS: '300',
        METRICS_TOKEN,
      };
      // One after another: the first migrates and seeds, the others find it done.
      for (const name of ['node-a', 'node-b', 'node-c']) await startNode(name);
    }, 120_000);

    afterEach(() => {
      for (const client of clients.splice(0)) client.stop();
      closeAllSockets();
    });

    afterAll(async () => {
      for (const node of nodes) await node.stop('SIGKILL');
      await redis?.stop();
      await database?.drop();
    });

    const a = () => nodes[0]!.url;
    const b = () => nodes[1]!.url;
    const c = () => nodes[2]!.url;

    it('chats across nodes in a channel, a DM and a code room', async () => {
      const alice = await signedIn(a());
      const bobAuth = await register(b());
      const bob = { ...bobAuth, socket: await connect(b(), bobAuth.token) };
      const bobEvents = new Recorder(bob.socket);
      const general = await channelId(alice.socket, 'general');

      const { message } = await send(alice.socket, general, 'from node A');
      await bobEvents.wait('message:new', (e) => e.message.id === message.id);
      const reply = await send(bob.socket, general, 'from node B');
      await alice.recorder.wait('message:new', (e) => e.message.id === reply.message.id);

      const dm = await ok(alice.socket, 'dm:open', { userId: bob.user.id });
      await bobEvents.wait('room:added', (e) => e.room.id === dm.room.id);
      const secret = await send(alice.socket, dm.room.id, 'just us, across nodes');
      await bobEvents.wait('message:new', (e) => e.message.id === secret.message.id);

      const { room, code } = await ok(bob.socket, 'code:create', {});
      await ok(alice.socket, 'code:join', { code });
      await bobEvents.wait('room:member-joined', (e) => e.roomId === room.id && e.user.id === alice.user.id);
      const inCode = await send(alice.socket, room.id, 'code room across nodes');
      await bobEvents.wait('message:new', (e) => e.message.id === inCode.message.id);
    });

    it('relays presence and typing across nodes', async () => {
      const alice = await signedIn(a());
      const bobAuth = await register(c());
      const bobSocket = await connect(c(), bobAuth.token);
      const bobEvents = new Recorder(bobSocket);
      const { room } = await ok(alice.socket, 'dm:open', { userId: bobAuth.user.id });
      await bobEvents.wait('room:added', (e) => e.room.id === room.id);
      await settle(200);

      await ok(alice.socket, 'typing', { roomId: room.id, typing: true });
      expect(await bobEvents.wait('typing', (e) => e.roomId === room.id)).toMatchObject({
        userId: alice.user.id,
        typing: true,
      });

      const { members } = await ok(bobSocket, 'room:members', { roomId: room.id });
      expect(members.find((m) => m.id === alice.user.id)?.online).toBe(true);
      alice.socket.disconnect();
      const offline = await bobEvents.wait('presence', (e) => e.userId === alice.user.id && !e.online);
      expect(offline.lastSeenAt).toBeGreaterThan(0);
      const back = await connect(b(), alice.token);
      await bobEvents.wait('presence', (e) => e.userId === alice.user.id && e.online);
      back.disconnect();
    });

    it('deletes a code room made on node A when its last member leaves from node B', async () => {
      const alice = await signedIn(a(), 'guest');
      const { room, code } = await ok(alice.socket, 'code:create', {});
      const bobAuth = await register(b());
      const bobSocket = await connect(b(), bobAuth.token);
      await ok(bobSocket, 'code:join', { code });
      await ok(alice.socket, 'room:leave', { roomId: room.id });
      await ok(bobSocket, 'room:leave', { roomId: room.id });
      expect(await call(alice.socket, 'code:join', { code })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });

      // Staying away past the grace period also ends it, whichever node notices.
      const again = await ok(alice.socket, 'code:create', {});
      await ok(bobSocket, 'code:join', { code: again.code });
      alice.socket.disconnect();
      bobSocket.disconnect();
      await settle(GRACE_MS * 3);
      const carol = await signedIn(c(), 'guest');
      expect(await call(carol.socket, 'code:join', { code: again.code })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
    });

    it('pairs a random match between users on different nodes', async () => {
      const alice = await signedIn(a(), 'guest');
      const bob = await signedIn(c(), 'guest');
      expect(await ok(alice.socket, 'match:random')).toMatchObject({ status: 'waiting' });
      const matched = await ok(bob.socket, 'match:random');
      if (matched.status !== 'matched') throw new Error('expected a match');
      const found = await alice.recorder.wait('match:found');
      expect(found.room.id).toBe(matched.room.id);
      const hello = await send(alice.socket, matched.room.id, 'hello stranger on another node');
      await bob.recorder.wait('message:new', (e) => e.message.id === hello.message.id);
    });

    it('logout on node A disconnects the same session on node B', async () => {
      const { token } = await register(a());
      const onB = await connect(b(), token);
      const dropped = new Promise((resolve) => onB.once('disconnect', resolve));
      const started = Date.now();
      expect(
        (await postJson(`${a()}/api/auth/logout`, {}, { authorization: `Bearer ${token}` })).status,
      ).toBe(204);
      await dropped;
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('signing a session out from the list on node A disconnects it on node B', async () => {
      const { token, user } = await register(a());
      const other = await postJson(`${a()}/api/auth/login`, {
        username: user.username,
        password: 'correct horse battery',
      });
      const onB = await connect(b(), other.body.token);
      const dropped = new Promise((resolve) => onB.once('disconnect', resolve));
      const listed = await getJson(`${a()}/api/me/sessions`, token);
      const target = listed.body.sessions.find((s: { current: boolean }) => !s.current);
      const started = Date.now();
      const answer = await fetch(`${a()}/api/me/sessions/${target.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answer.status).toBe(204);
      await dropped;
      expect(Date.now() - started).toBeLessThan(1_000);
      expect((await getJson(`${b()}/api/me`, other.body.token)).status).toBe(401);
    });

    it('an admin on node A deactivates someone: their sockets on nodes B and C close within 1 s', async () => {
      const admin = await register(a());
      // Made an admin in the store, as the operator CLI would (another test registered first).
      const pool = new pg.Pool({ connectionString: database.url, max: 1 });
      await pool.query('UPDATE users SET role = $1 WHERE id = $2', ['admin', admin.user.id]);
      await pool.end();
      const victim = await register(b());
      const second = await postJson(`${c()}/api/auth/login`, {
        username: victim.user.username,
        password: 'correct horse battery',
      });
      const sockets = [await connect(b(), victim.token), await connect(c(), second.body.token)];
      const dropped = sockets.map((socket) => new Promise((resolve) => socket.once('disconnect', resolve)));
      const started = Date.now();
      const answer = await fetch(`${a()}/api/admin/users/${victim.user.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ deactivated: true }),
      });
      expect(answer.status).toBe(200);
      await Promise.all(dropped);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect((await getJson(`${c()}/api/me`, second.body.token)).status).toBe(401);
    });

    it('reports the metrics and readiness of each node', async () => {
      for (const url of [a(), b()]) {
        expect((await fetch(`${url}/readyz`)).status).toBe(200);
        expect((await fetch(`${url}/metrics`)).status).toBe(401);
        const text = await metricsOf(url);
        for (const name of [
          'parley_socket_connections',
          'parley_ack_latency_seconds_bucket',
          'parley_db_write_seconds_bucket',
          'parley_redis_errors_total',
        ]) {
          expect(text, name).toContain(name);
        }
      }
    });

    /** Clients of the web app's engine, through a load balancer that skips dead nodes. */
    async function streamingClients(balancerUrl: string, count: number) {
      const list: { client: ChatClient; auth: Awaited<ReturnType<typeof register>> }[] = [];
      for (let i = 0; i < count; i++) {
        const auth = await register(a());
        const client = new ChatClient({
          me: auth.user,
          baseUrl: balancerUrl,
          token: auth.token,
          storage: new MemoryStorage(),
          onUnauthorized: () => {},
        });
        clients.push(client);
        client.start();
        list.push({ client, auth });
      }
      await until(() =>
        list.every(
          ({ client }) =>
            client.getState().connection === 'online' && Object.keys(client.getState().rooms).length > 0,
        ),
      );
      return list;
    }

    async function expectEveryoneHasEverything(
      list: Awaited<ReturnType<typeof streamingClients>>,
      roomId: string,
      texts: string[],
    ) {
      await until(() => list.every(({ client }) => client.getState().outbox.length === 0), 30_000);
      // One more message makes any client that missed the tail notice the gap and sync.
      await send((await signedIn(a())).socket, roomId, `closing line ${randomUUID()}`);
      await until(
        () =>
          list.every(({ client }) => {
            const got = client.getState().rooms[roomId]?.messages.map((m) => m.text) ?? [];
            return texts.every((t) => got.includes(t));
          }),
        30_000,
      );
      for (const { client } of list) {
        const got = client
          .getState()
          .rooms[roomId]!.messages.map((m) => m.text)
          .filter((t) => texts.includes(t));
        expect(got.length).toBe(texts.length);
        expect(new Set(got).size).toBe(texts.length);
      }
      const history = await getJson(`${a()}/api/rooms/${roomId}/messages?limit=100`, list[0]!.auth.token);
      const stored = history.body.messages
        .map((m: { text: string }) => m.text)
        .filter((t: string) => texts.includes(t));
      expect(stored.sort()).toEqual([...texts].sort());
    }

    /** Every client sends one message to #general every 250 ms until stopped. */
    function startStream(list: Awaited<ReturnType<typeof streamingClients>>, label: string) {
      const roomId = Object.values(list[0]!.client.getState().rooms).find((v) => v.room.name === 'general')!
        .room.id;
      const texts: string[] = [];
      let round = 0;
      const timer = setInterval(() => {
        round++;
        for (const [i, { client }] of list.entries()) {
          const text = `${label} ${round}.${i} ${randomUUID().slice(0, 6)}`;
          texts.push(text);
          client.send(roomId, text);
        }
      }, 250);
      return { roomId, texts, stop: () => clearInterval(timer) };
    }

    it('keeps every acknowledged message, exactly once everywhere, when a node is killed with SIGKILL mid-stream', async () => {
      const victim = await startNode('node-victim');
      const balancer = await startBalancer(
        [victim, nodes[0]!, nodes[2]!].map((n) => Number(new URL(n.url).port)),
      );
      try {
        const list = await streamingClients(balancer.url, 3);
        const { roomId, texts, stop } = startStream(list, 'kill-stream');
        await settle(1_200);
        // The balancer put some of these clients on the victim; they must fail over.
        const onVictim = /parley_socket_connections (\d+)/.exec(await metricsOf(victim.url));
        expect(Number(onVictim?.[1])).toBeGreaterThan(0);
        await victim.stop('SIGKILL');
        await settle(2_000);
        stop();
        await expectEveryoneHasEverything(list, roomId, texts);
      } finally {
        await balancer.close();
      }
    }, 90_000);

    it('resumes cross-node delivery after Redis restarts mid-stream, losing nothing', async () => {
      const balancer = await startBalancer([nodes[0]!, nodes[2]!].map((n) => Number(new URL(n.url).port)));
      try {
        const list = await streamingClients(balancer.url, 2);
        const { roomId, texts, stop } = startStream(list, 'redis-stream');
        await settle(1_000);
        await redis.restart(1_000);
        await settle(2_000);
        stop();
        await expectEveryoneHasEverything(list, roomId, texts);

        // And fan-out works live again.
        const alice = await signedIn(a());
        const bobAuth = await register(c());
        const bobEvents = new Recorder(await connect(c(), bobAuth.token));
        const general = await channelId(alice.socket, 'general');
        const after = await send(alice.socket, general, 'after the redis restart');
        await bobEvents.wait('message:new', (e) => e.message.id === after.message.id, 10_000);
      } finally {
        await balancer.close();
      }
    }, 90_000);
  },
);
