import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { call, closeAllSockets, connect, ok, register, send, settle } from '../helpers/clients.js';
import { spawnServer } from '../helpers/process.js';
import { relaxedLimits, startTestServer, tempDir } from '../helpers/server.js';

afterEach(() => closeAllSockets());

/** Resident memory of a process, from the kernel. */
const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

/**
 * One guest flooding the server with reads: `sync` from seq 0 of a room with 600 entries (a
 * 500-entry page each time), 300 times a second for 3 s, without waiting for the answers.
 * Everyone else must not notice.
 */
describe.skipIf(process.platform !== 'linux')('a read flood from one user', () => {
  it('leaves other users fast and the server small', async () => {
    const dataDir = tempDir();
    // The room and its history are written beforehand, without limits, on the same data.
    const setup = await startTestServer({ dataDir }, { rateRules: relaxedLimits });
    const attacker = await register(setup.url);
    const victims = [await register(setup.url), await register(setup.url)];
    const writer = await connect(setup.url, victims[0]!.token);
    const { room } = await ok(writer, 'room:create', {
      kind: 'group',
      name: 'long history',
      memberIds: [attacker.user.id, victims[1]!.user.id],
    });
    const text = 'a long line of history. '.repeat(40);
    for (let i = 0; i < 600; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => send(writer, room.id, `${i + j} ${text}`)));
    }
    writer.disconnect();
    await setup.close();

    const server = await spawnServer({ DATA_DIR: dataDir });
    try {
      const pid = server.child.pid!;
      const flooder = await connect(server.url, attacker.token);
      const senders = await Promise.all(victims.map((v) => connect(server.url, v.token)));
      await settle(500);
      const rssBefore = rssOf(pid);

      let answered = 0;
      let refused = 0;
      const flood = setInterval(() => {
        for (let i = 0; i < 3; i++) {
          flooder.emit('sync', { cursors: { [room.id]: 0 } }, (ack: { ok: boolean }) => {
            if (ack.ok) answered++;
            else refused++;
          });
        }
      }, 10);
      let rssPeak = rssBefore;
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, rssOf(pid));
      }, 50);

      const latencies: number[] = [];
      const started = Date.now();
      for (let i = 0; Date.now() - started < 3_000; i++) {
        const t0 = performance.now();
        await send(senders[i % 2]!, room.id, `while the flood runs ${i}`);
        latencies.push(performance.now() - t0);
        await settle(100);
      }
      clearInterval(flood);
      await settle(500);
      clearInterval(sampler);

      latencies.sort((a, b) => a - b);
      const p95 = latencies[Math.floor(latencies.length * 0.95)]!;
      const growthMb = (rssPeak - rssBefore) / 2 ** 20;
      console.log(
        `[flood] ${answered} syncs answered, ${refused} refused; others' ack p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms; RSS +${growthMb.toFixed(1)} MB`,
      );
      expect(server.child.exitCode).toBeNull();
      expect(refused).toBeGreaterThan(answered);
      expect(p95).toBeLessThan(100);
      expect(growthMb).toBeLessThan(50);
    } finally {
      await server.stop('SIGKILL');
    }
  }, 60_000);
});

describe('reads in flight on one socket', () => {
  it('answers at most four at a time and refuses the rest at once', async () => {
    const server = await startTestServer({}, { rateRules: relaxedLimits });
    try {
      const { token } = await register(server.url);
      const socket = await connect(server.url, token);
      const acks = await Promise.all(Array.from({ length: 12 }, () => call(socket, 'sync', { cursors: {} })));
      const refused = acks.filter((a) => !a.ok);
      expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(4);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]).toMatchObject({
        ok: false,
        error: { code: 'rate_limited', retryAfterMs: 1_000 },
      });
      // Waiting for the answers, as a client should, is never refused.
      for (let i = 0; i < 12; i++) expect((await call(socket, 'sync', { cursors: {} })).ok).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('reads over HTTP', () => {
  it('share the per-user read limit with the socket, and say when to come back', async () => {
    const server = await startTestServer();
    try {
      const { token } = await register(server.url);
      const socket = await connect(server.url, token);
      const { rooms } = await ok(socket, 'rooms:list');
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 40; i++) {
        const response = await fetch(`${server.url}/api/rooms/${rooms[0]!.id}/messages`, {
          headers: { authorization: `Bearer ${token}` },
        });
        statuses.push(response.status);
        if (response.status === 429) retryAfter = response.headers.get('retry-after');
      }
      // The burst (docs/protocol.md §10), less the rooms:list above; then refused.
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(28);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(await call(socket, 'channels:list')).toMatchObject({
        ok: false,
        error: { code: 'rate_limited' },
      });
    } finally {
      await server.close();
    }
  });
});
