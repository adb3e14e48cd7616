import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelId, closeAllSockets, connect, postJson, Recorder, send } from '../helpers/clients.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { freePort, type ServerProcess, spawnServer } from '../helpers/process.js';
import { redisServerPath, startRedis, type TestRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/server.js';

const nginxPath = (() => {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
})();
if (!nginxPath) {
  if (process.env.CI === 'true') throw new Error('CI=true but nginx is not installed: .ci/run installs it');
  console.warn('[parley tests] nginx not found: skipping the test of deploy/nginx.conf');
}

/**
 * deploy/nginx.conf itself — only the addresses changed — in front of two Parley nodes:
 * users chat through it over WebSocket and over the long-polling fallback.
 */
describe.skipIf(!nginxPath || !postgresAdminUrl || !redisServerPath)(
  'two nodes behind deploy/nginx.conf',
  () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let redis: TestRedis;
    const nodes: ServerProcess[] = [];
    let nginx: ReturnType<typeof spawn>;
    let url: string;

    beforeAll(async () => {
      database = await createTestDatabase();
      redis = await startRedis();
      const env = {
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        DATA_DIR: tempDir(),
        TRUST_PROXY: 'true',
      };
      for (const name of ['parley-1', 'parley-2']) nodes.push(await spawnServer({ ...env, NODE_ID: name }));

      const port = await freePort();
      const prefix = tempDir('parley-nginx-');
      const config = readFileSync(path.resolve(import.meta.dirname, '../../deploy/nginx.conf'), 'utf8')
        .replace('user nginx;', 'user root;')
        .replace('pid /tmp/nginx.pid;', `pid ${prefix}/nginx.pid;`)
        .replace('listen 80;', `listen 127.0.0.1:${port};`)
        .replace('access_log /dev/stdout;', 'access_log off;')
        .replace('error_log /dev/stderr warn;', `error_log ${prefix}/error.log warn;`)
        .replace('parley-1:3000', `127.0.0.1:${new URL(nodes[0]!.url).port}`)
        .replace('parley-2:3000', `127.0.0.1:${new URL(nodes[1]!.url).port}`);
      const file = path.join(prefix, 'nginx.conf');
      writeFileSync(file, config);
      try {
        execFileSync(nginxPath!, ['-t', '-p', prefix, '-c', file], { stdio: 'pipe' });
      } catch (error) {
        throw new Error(`nginx rejected the config: ${(error as { stderr?: Buffer }).stderr?.toString()}`);
      }
      nginx = spawn(nginxPath!, ['-p', prefix, '-c', file, '-g', 'daemon off;'], { stdio: 'ignore' });
      url = `http://127.0.0.1:${port}`;
      for (let i = 0; ; i++) {
        try {
          if ((await fetch(`${url}/readyz`)).ok) break;
        } catch {
          // nginx not up yet
        }
        if (i > 100) throw new Error('nginx did not start');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }, 120_000);

    afterEach(() => closeAllSockets());

    afterAll(async () => {
      nginx?.kill('SIGTERM');
      for (const node of nodes) await node.stop('SIGKILL');
      await redis?.stop();
      await database?.drop();
    });

    it('hides /metrics and chats through the proxy over WebSocket and long-polling', async () => {
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
      const accounts = [];
      for (const name of ['proxied-ws', 'proxied-poll']) {
        const res = await postJson(`${url}/api/auth/register`, {
          username: `${name}${process.pid}`,
          password: 'long enough pw',
        });
        expect(res.status).toBe(201);
        accounts.push({
          token: res.body.token as string,
          cookie: res.headers.get('set-cookie')!.split(';')[0]!,
        });
      }
      const ws = await connect(url, accounts[0]!.token, {
        extraHeaders: { cookie: accounts[0]!.cookie, origin: url },
      });
      const polling = await connect(url, accounts[1]!.token, {
        transports: ['polling'],
        extraHeaders: { cookie: accounts[1]!.cookie, origin: url },
      });
      const wsEvents = new Recorder(ws);
      const pollEvents = new Recorder(polling);
      const general = await channelId(ws, 'general');
      const one = await send(ws, general, 'through nginx over websocket');
      await pollEvents.wait('message:new', (e) => e.message.id === one.message.id, 10_000);
      const two = await send(polling, general, 'through nginx over long-polling');
      await wsEvents.wait('message:new', (e) => e.message.id === two.message.id, 10_000);
    });
  },
);
