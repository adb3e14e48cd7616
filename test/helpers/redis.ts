import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './process.js';

/**
 * A private redis-server per test run, on a free port, keeping nothing on disk — never the
 * machine's shared Redis. Missing binary: skip with a message, or fail under CI=true.
 */
export const redisServerPath = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
})();

if (!redisServerPath) {
  if (process.env.CI === 'true')
    throw new Error('CI=true but redis-server is not installed: the cluster tests must run');
  console.warn('[parley tests] redis-server not found: skipping the cluster tests');
}

export interface TestRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL) and starts a fresh one on the same port, like a crash and restart. */
  restart(downForMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(
      redisServerPath!,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    for (let attempt = 0; ; attempt++) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        probe.disconnect();
        if (attempt > 50) throw new Error('redis-server did not start');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  const kill = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  await launch();
  process.once('exit', () => child.kill('SIGKILL'));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart(downForMs = 1_000) {
      await kill();
      await new Promise((resolve) => setTimeout(resolve, downForMs));
      await launch();
    },
    stop: kill,
  };
}
