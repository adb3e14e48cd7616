import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { LeanSocket } from './lean-client.js';

/** Wall-clock milliseconds with sub-millisecond precision, comparable across our clients. */
export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Keeps the generator on its own core, away from the server under test. */
export function pinGenerator(): void {
  if (hasTaskset && os.cpus().length > 1)
    execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
}

/**
 * `socketio-sized` is the bare Socket.IO server again, sent messages padded so that the frames
 * it relays are the size of Parley's (see PARLEY_SIZED_PADDING): fan-out costs grow with frame
 * size, so this separates what Parley's work per message costs from what its bytes cost.
 */
export type TargetName = 'ws' | 'socketio' | 'socketio-sized' | 'parley';

export interface Target {
  name: TargetName;
  url: string;
  info: Record<string, unknown>;
  child: ChildProcess;
  /** Server RSS after a forced GC. */
  memory(): Promise<number>;
  stop(): Promise<void>;
}

const SERVER_FILES: Record<TargetName, string> = {
  ws: 'bench/servers/ws-broadcast.ts',
  socketio: 'bench/servers/socketio-broadcast.ts',
  'socketio-sized': 'bench/servers/socketio-broadcast.ts',
  parley: 'bench/servers/parley.ts',
};

/** Starts a server under test as a child process, pinned to core 0 when possible. */
export async function startTarget(name: TargetName, env: Record<string, string> = {}): Promise<Target> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  const database = name === 'parley' ? await freshDatabase() : null;
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(import.meta.dirname, 'results/profiles')}`]
    : [];
  // BENCH_NODE_FLAGS: extra V8/Node flags for the server under test, e.g. to try host tuning.
  const flags = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
  const node = [process.execPath, '--expose-gc', ...profile, ...flags, '--import', 'tsx', SERVER_FILES[name]];
  const [command, ...args] = hasTaskset && os.cpus().length > 1 ? ['taskset', '-c', '0', ...node] : node;
  const child = spawn(command!, args, {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: database?.url ?? '', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ url: string } & Record<string, unknown>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} server exited with ${code}`)));
    child.on('message', (message: { type: string; url: string }) => {
      if (message.type === 'ready') resolve(message);
    });
  }).catch(async (error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
    throw error;
  });
  return {
    name,
    url: ready.url,
    info: ready,
    child,
    memory: () =>
      new Promise((resolve) => {
        const onMessage = (message: { type: string; rss: number }) => {
          if (message.type !== 'memory') return;
          child.off('message', onMessage);
          resolve(message.rss);
        };
        child.on('message', onMessage);
        child.send({ type: 'memory' });
      }),
    async stop() {
      child.removeAllListeners('exit');
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

/**
 * With BENCH_DATABASE_URL, each Parley run gets a database of its own, created on that server
 * for the run and dropped after it: runs never see each other's rows (the seeded names would
 * collide), and nothing is left behind.
 */
async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const admin = process.env.BENCH_DATABASE_URL;
  if (!admin) return null;
  const name = `parley_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

/**
 * One simulated user in the fan-out room. `send` stamps the message with the send time; every
 * receiver reports the latency of what arrives. Only the timestamp is parsed out of frames.
 */
/** Starts a server under test with a seeding plan, runs `work`, and always stops the server. */
export async function withTarget<T>(
  name: TargetName,
  plan: object,
  work: (target: Target) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  const target = await startTarget(name, { ...env, BENCH_PLAN: JSON.stringify(plan) });
  try {
    return await work(target);
  } finally {
    await target.stop();
  }
}

/**
 * Parley's `message:new` frame for a bench message is ~533 bytes (the stored message: ids,
 * author, timestamps); bare Socket.IO's `{"t":…}` frame is 34. This pads the latter to the former.
 */
const PARLEY_SIZED_PADDING = 'x'.repeat(490);

export interface BenchClient {
  send(stamp: number): Promise<unknown> | undefined;
  /** Called for every delivery with its latency and the size of the frame that carried it. */
  onDelivery: (latencyMs: number, frameBytes: number) => void;
  close(): void;
}

function stampAfter(frame: string, marker: string): number | null {
  const at = frame.indexOf(marker);
  if (at < 0) return null;
  const start = at + marker.length;
  let end = start;
  while (end < frame.length) {
    const c = frame.charCodeAt(end);
    if ((c < 48 || c > 57) && c !== 46) break;
    end++;
  }
  return Number(frame.slice(start, end));
}

export async function connectClient(target: Target, index: number, roomId?: string): Promise<BenchClient> {
  if (target.name === 'ws') {
    const ws = new WebSocket(target.url.replace(/^http/, 'ws'), { perMessageDeflate: false });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const client: BenchClient = {
      send: (stamp) => {
        ws.send(`{"t":${stamp}}`);
        return undefined;
      },
      onDelivery: () => {},
      close: () => ws.terminate(),
    };
    ws.on('message', (data: Buffer) => {
      const stamp = stampAfter(data.toString(), '"t":');
      if (stamp !== null) client.onDelivery(now() - stamp, data.length);
    });
    return client;
  }
  const users = (target.info.users as { token: string }[] | undefined) ?? [];
  const socket = new LeanSocket(target.url, target.name === 'parley' ? { token: users[index]!.token } : null);
  await socket.connected;
  let counter = 0;
  const client: BenchClient = {
    send: (stamp) =>
      target.name === 'parley'
        ? socket.emitWithAck('message:send', {
            roomId,
            clientMsgId: `${index}-${++counter}-${stamp}`,
            text: `b|${stamp}`,
          })
        : socket.emitWithAck(
            'msg',
            target.name === 'socketio-sized' ? { t: stamp, pad: PARLEY_SIZED_PADDING } : { t: stamp },
          ),
    onDelivery: () => {},
    close: () => socket.close(),
  };
  const marker = target.name === 'parley' ? '"text":"b|' : '"t":';
  socket.onEvent = (frame) => {
    const stamp = stampAfter(frame, marker);
    if (stamp !== null) client.onDelivery(now() - stamp, frame.length);
  };
  return client;
}

export async function connectMany<T>(
  count: number,
  connect: (i: number) => Promise<T>,
  concurrency = 200,
): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) out[i] = await connect(i);
    }),
  );
  return out;
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};

/** Latencies collected without reallocating on every push. */
export class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

/** CPU the generator itself used, as a share of one core, over a measured stretch. */
export function cpuMeter() {
  const start = process.cpuUsage();
  const startedAt = performance.now();
  return () => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000 / (performance.now() - startedAt);
  };
}

/**
 * GET over one kept-alive HTTP/1.1 connection with node:http: less client work per request
 * than `fetch`, whose stream machinery showed up in the measured tail.
 */
export class KeepAliveClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  constructor(
    private readonly base: string,
    private readonly headers: Record<string, string>,
  ) {}

  get(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const request = http.get(
        `${this.base}${path}`,
        { agent: this.agent, headers: this.headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const body = Buffer.concat(chunks).toString();
            if (response.statusCode === 200) resolve(body);
            else reject(new Error(`GET ${path} answered ${response.statusCode}: ${body.slice(0, 200)}`));
          });
        },
      );
      request.on('error', reject);
      request.setTimeout(10_000, () => request.destroy(new Error(`GET ${path} timed out`)));
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
