/**
 * `npm run bench` — Parley against a raw `ws` relay (the ceiling) and a bare Socket.IO
 * broadcaster (what one would write instead), on this machine, in this run. See bench/README.md.
 *
 *   npm run bench                    full scale (minutes)
 *   npm run bench -- --smoke         tiny scale, for CI: keeps the harness working, asserts nothing on time
 *   npm run bench -- --only fanout,history --reps 5
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type BenchClient,
  connectClient,
  connectMany,
  cpuMeter,
  hasTaskset,
  KeepAliveClient,
  median,
  now,
  percentile,
  pinGenerator,
  Samples,
  sleep,
  type Target,
  type TargetName,
  withTarget,
} from './harness.js';
import { LeanSocket } from './lean-client.js';
import { SEARCH_AUTHORS, SEARCH_QUERIES } from './search-corpus.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : null;
const targetFilter = args.includes('--targets') ? args[args.indexOf('--targets') + 1]!.split(',') : null;
const reps = args.includes('--reps') ? Number(args[args.indexOf('--reps') + 1]) : smoke ? 1 : 3;
/** Queries measured per kind in the search scenario (default 300; 20 with --smoke). */
const searchQueries = args.includes('--search-queries')
  ? Number(args[args.indexOf('--search-queries') + 1])
  : undefined;

const SCALE = smoke
  ? {
      fanoutClients: 20,
      senders: 2,
      rates: [20, 40],
      stepMs: 1_000,
      latencyDeliveries: 400,
      latencyMs: 1_000,
      dmPairs: 10,
      writeMs: 1_000,
      idle: 50,
      storm: 50,
      history: 2_000,
      historyQueries: 200,
      searchMessages: 3_000,
      searchQueries: searchQueries ?? 20,
    }
  : {
      fanoutClients: 1000,
      senders: 10,
      rates: [10, 20, 40, 60, 80, 100, 150, 200, 250, 300],
      stepMs: 4_000,
      latencyDeliveries: 10_000,
      latencyMs: 8_000,
      dmPairs: 1000,
      writeMs: 6_000,
      idle: 10_000,
      storm: 10_000,
      history: 1_000_000,
      historyQueries: 2_000,
      searchMessages: 1_000_000,
      searchQueries: searchQueries ?? 300,
    };

const log = (...parts: unknown[]) => console.error('[bench]', ...parts);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

interface RunResult {
  sent: number;
  expected: number;
  delivered: number;
  /** Mean size of the frames that carried the deliveries. */
  frameBytes: number;
  deliveriesPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  generatorCpu: number;
}

/** Offers `rate` messages/s spread over the senders for `durationMs`, then waits for stragglers. */
async function offer(
  clients: BenchClient[],
  senders: number,
  rate: number,
  durationMs: number,
): Promise<RunResult> {
  const samples = new Samples();
  let delivered = 0;
  let bytes = 0;
  for (const client of clients) {
    client.onDelivery = (latency, frameBytes) => {
      delivered++;
      bytes += frameBytes;
      samples.push(latency);
    };
  }
  const cpu = cpuMeter();
  const started = now();
  let sent = 0;
  while (now() - started < durationMs) {
    const due = Math.floor(((now() - started) / 1000) * rate);
    for (; sent < due; sent++) void clients[sent % senders]!.send(now())?.catch(() => {});
    await sleep(2);
  }
  const expected = sent * clients.length;
  const drainUntil = now() + 3_000;
  while (delivered < expected && now() < drainUntil) await sleep(20);
  const elapsed = (now() - started) / 1000;
  const generatorCpu = cpu();
  const sorted = samples.sorted();
  return {
    sent,
    expected,
    delivered,
    frameBytes: delivered > 0 ? bytes / delivered : Number.NaN,
    deliveriesPerSec: delivered / elapsed,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    generatorCpu,
  };
}

async function roomClients(target: Target, count: number): Promise<BenchClient[]> {
  const roomId = target.info.generalId as string | undefined;
  return connectMany(count, (i) => connectClient(target, i, roomId));
}

/** A server under test with `count` clients in its fan-out room; everything closed afterwards. */
function withRoom<T>(
  name: TargetName,
  count: number,
  work: (clients: BenchClient[]) => Promise<T>,
): Promise<T> {
  return withTarget(name, { users: count }, async (target) => {
    const clients = await roomClients(target, count);
    try {
      await sleep(500);
      return await work(clients);
    } finally {
      for (const client of clients) client.close();
    }
  });
}

/** Parley / baseline, or NaN when the baseline was filtered out with --targets. */
const ratio = (parley: number | undefined, baseline: number | undefined) =>
  parley === undefined || baseline === undefined ? Number.NaN : parley / baseline;

const selected = (names: TargetName[]) => names.filter((t) => !targetFilter || targetFilter.includes(t));
/** Fan-out and latency also run bare Socket.IO relaying frames of Parley's size (harness.ts). */
const FRAME_TARGETS = selected(['ws', 'socketio', 'socketio-sized', 'parley']);
const TARGETS = selected(['ws', 'socketio', 'parley']);

/** Scenario 1: the highest offered rate each target sustains with 100 % delivery and p99 < 100 ms. */
async function fanout() {
  const results: Record<
    string,
    { bestRate: number; deliveriesPerSec: number; p99: number; generatorCpu: number; frameBytes: number }[]
  > = {};
  for (let rep = 0; rep < reps; rep++) {
    for (const name of FRAME_TARGETS) {
      const best = await withRoom(name, SCALE.fanoutClients, async (clients) => {
        let best = {
          bestRate: 0,
          deliveriesPerSec: 0,
          p99: Number.NaN,
          generatorCpu: 0,
          frameBytes: Number.NaN,
        };
        for (const rate of SCALE.rates) {
          const run = await offer(clients, SCALE.senders, rate, SCALE.stepMs);
          const ok = run.delivered === run.expected && run.p99 < 100;
          log(
            `fanout ${name} rate ${rate}/s: ${Math.round(run.deliveriesPerSec)} deliveries/s, ${run.delivered}/${run.expected}, p99 ${round(run.p99)} ms, ${Math.round(run.frameBytes)}-byte frames, generator ${Math.round(run.generatorCpu * 100)}% CPU ${ok ? '' : '(limit)'}`,
          );
          if (!ok) break;
          best = {
            bestRate: rate,
            deliveriesPerSec: run.deliveriesPerSec,
            p99: run.p99,
            generatorCpu: run.generatorCpu,
            frameBytes: run.frameBytes,
          };
          await sleep(300);
        }
        return best;
      });
      results[name] = [...(results[name] ?? []), best];
    }
  }
  const summary = Object.fromEntries(
    FRAME_TARGETS.map((name) => {
      const runs = results[name]!;
      const bestRate = median(runs.map((r) => r.bestRate));
      return [
        name,
        {
          bestRate,
          // Passed the highest step offered: the figure is a floor, not the target's ceiling.
          passedEveryStep: bestRate === SCALE.rates.at(-1),
          deliveriesPerSec: median(runs.map((r) => r.deliveriesPerSec)),
          p99: median(runs.map((r) => r.p99)),
          generatorCpu: median(runs.map((r) => r.generatorCpu)),
          frameBytes: median(runs.map((r) => r.frameBytes)),
        },
      ];
    }),
  );
  return {
    clients: SCALE.fanoutClients,
    senders: SCALE.senders,
    topRate: SCALE.rates.at(-1),
    ...summary,
    ratioVsSocketIO: ratio(summary.parley?.deliveriesPerSec, summary.socketio?.deliveriesPerSec),
    ratioVsWs: ratio(summary.parley?.deliveriesPerSec, summary.ws?.deliveriesPerSec),
    ratioVsSocketIOSized: ratio(
      summary.parley?.deliveriesPerSec,
      summary['socketio-sized']?.deliveriesPerSec,
    ),
  };
}

/** Scenario 2: latency at a fixed delivery rate, acks included for Socket.IO and Parley. */
async function latency() {
  const rate = SCALE.latencyDeliveries / SCALE.fanoutClients;
  const results: Record<string, RunResult[]> = {};
  for (let rep = 0; rep < reps; rep++) {
    for (const name of FRAME_TARGETS) {
      const run = await withRoom(name, SCALE.fanoutClients, async (clients) => {
        await offer(clients, SCALE.senders, rate, 1_000); // warm-up
        const run = await offer(clients, SCALE.senders, rate, SCALE.latencyMs);
        log(
          `latency ${name}: p50 ${round(run.p50)} p95 ${round(run.p95)} p99 ${round(run.p99)} ms at ${Math.round(run.deliveriesPerSec)} deliveries/s, ${Math.round(run.frameBytes)}-byte frames`,
        );
        return run;
      });
      results[name] = [...(results[name] ?? []), run];
    }
  }
  const summary = Object.fromEntries(
    FRAME_TARGETS.map((name) => [
      name,
      {
        p50: median(results[name]!.map((r) => r.p50)),
        p95: median(results[name]!.map((r) => r.p95)),
        p99: median(results[name]!.map((r) => r.p99)),
        deliveriesPerSec: median(results[name]!.map((r) => r.deliveriesPerSec)),
        frameBytes: median(results[name]!.map((r) => r.frameBytes)),
      },
    ]),
  );
  return {
    deliveriesPerSecTarget: SCALE.latencyDeliveries,
    ...summary,
    p99RatioVsSocketIO: ratio(summary.parley?.p99, summary.socketio?.p99),
    p99RatioVsSocketIOSized: ratio(summary.parley?.p99, summary['socketio-sized']?.p99),
  };
}

/**
 * Scenario 3: many DM pairs all sending; acknowledged messages per second. For Parley an ack
 * means durably committed; the bare Socket.IO baseline relays the same traffic (ack + emit to
 * the pair's room) with nothing stored, which is the transport's own ceiling on this machine.
 */
async function writes() {
  const runs: Record<
    string,
    { ackedPerSec: number; ackP99Ms: number; delivered: number; generatorCpu: number }[]
  > = {};
  const names = TARGETS.filter((t) => t !== 'ws');
  for (let rep = 0; rep < reps; rep++) {
    for (const name of names) {
      const run = await withTarget(name, { users: SCALE.dmPairs * 2, dmPairs: SCALE.dmPairs }, (target) =>
        writeLoad(target),
      );
      log(
        `writes ${name}: ${Math.round(run.ackedPerSec)} acknowledged messages/s over ${SCALE.dmPairs} pairs (ack p99 ${round(run.ackP99Ms)} ms, ${run.delivered} deliveries, generator ${Math.round(run.generatorCpu * 100)}% CPU)`,
      );
      runs[name] = [...(runs[name] ?? []), run];
    }
  }
  const summary = Object.fromEntries(
    names.map((name) => [
      name,
      {
        ackedPerSec: median(runs[name]!.map((r) => r.ackedPerSec)),
        ackP99Ms: median(runs[name]!.map((r) => r.ackP99Ms)),
        generatorCpu: median(runs[name]!.map((r) => r.generatorCpu)),
      },
    ]),
  );
  return {
    dmPairs: SCALE.dmPairs,
    ...summary,
    ratioVsSocketIO: ratio(summary.parley?.ackedPerSec, summary.socketio?.ackedPerSec),
  };
}

/** Every user of every pair keeps two sends in flight: as soon as one is acknowledged, the next goes. */
async function writeLoad(target: Target) {
  const pairs = SCALE.dmPairs;
  const parley = target.name === 'parley';
  const users = (target.info.users as { token: string }[] | undefined) ?? [];
  const dms = (target.info.dms as { roomId: string; a: number; b: number }[] | undefined) ?? [];
  const roomOf = new Map<number, string>();
  for (const dm of dms) {
    roomOf.set(dm.a, dm.roomId);
    roomOf.set(dm.b, dm.roomId);
  }
  let delivered = 0;
  const sockets = await connectMany(pairs * 2, async (i) => {
    const socket = new LeanSocket(
      target.url,
      parley ? { token: users[i]!.token } : { room: `pair-${i >> 1}` },
    );
    socket.onEvent = () => {
      delivered++;
    };
    await socket.connected;
    return socket;
  });
  let acked = 0;
  let running = true;
  const latencies = new Samples();
  const cpu = cpuMeter();
  const started = now();
  await Promise.all(
    sockets.flatMap((socket, i) =>
      [0, 1].map(async (lane) => {
        let n = 0;
        while (running) {
          const sentAt = now();
          if (parley)
            await socket.emitWithAck('message:send', {
              roomId: roomOf.get(i),
              clientMsgId: `${i}-${lane}-${n++}`,
              text: 'write-heavy',
            });
          else await socket.emitWithAck('msg', { text: 'write-heavy', n: n++ });
          latencies.push(now() - sentAt);
          acked++;
          if (now() - started > SCALE.writeMs) running = false;
        }
      }),
    ),
  );
  const ackedPerSec = acked / ((now() - started) / 1000);
  const generatorCpu = cpu();
  for (const socket of sockets) socket.close();
  return { ackedPerSec, ackP99Ms: percentile(latencies.sorted(), 99), delivered, generatorCpu };
}

/** Scenario 4: idle authenticated connections, each member of five rooms; RSS per connection. */
async function memory() {
  const out: Record<string, number> = {};
  for (const name of TARGETS) {
    const perConnection: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      await withTarget(name, { users: SCALE.idle, extraChannels: 4 }, async (target) => {
        await sleep(300);
        const before = await target.memory();
        const clients = await roomClients(target, SCALE.idle);
        await sleep(1_000);
        const after = await target.memory();
        perConnection.push((after - before) / SCALE.idle / 1024);
        for (const client of clients) client.close();
      });
    }
    out[name] = median(perConnection);
    log(`memory ${name}: ${round(out[name]!)} KiB per connection`);
  }
  return { connections: SCALE.idle, roomsPerConnection: 5, kibPerConnection: out };
}

/** Scenario 5: every client drops at once and reconnects with auth and a resync. */
async function storm() {
  const times: number[] = [];
  let failures = 0;
  const reasons = new Map<string, number>();
  for (let rep = 0; rep < reps; rep++) {
    await withTarget('parley', { users: SCALE.storm, extraChannels: 4 }, async (target) => {
      const users = target.info.users as { token: string }[];
      const channels = target.info.channels as string[];
      const connectAll = () =>
        connectMany(
          users.length,
          async (i) => {
            const socket = new LeanSocket(target.url, { token: users[i]!.token });
            try {
              await socket.connected;
              await socket.emitWithAck('sync', {
                cursors: Object.fromEntries(channels.map((id) => [id, 0])),
              });
              return socket;
            } catch (error) {
              failures++;
              const reason = error instanceof Error ? error.message : String(error);
              reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
              socket.close();
              return null;
            }
          },
          1_000,
        );
      const first = await connectAll();
      log(`storm: first wave connected, ${failures} failures`, Object.fromEntries(reasons));
      for (const socket of first) socket?.close();
      const started = now();
      const second = await connectAll();
      const seconds = (now() - started) / 1000;
      times.push(seconds);
      log(
        `storm: ${users.length} clients back and resynced in ${round(seconds, 2)} s, ${failures} failures so far`,
        reasons.size > 0 ? Object.fromEntries(reasons) : '',
      );
      for (const socket of second) socket?.close();
    });
  }
  return { clients: SCALE.storm, recoverySeconds: median(times), failures };
}

/**
 * Scenario 6: a room with a long history; pages of 50 at random depths over HTTP. Each page
 * request alternates with a no-op request (`/healthz`) to the same server over the same
 * connection: its latency is the floor this machine, client and HTTP stack put under any
 * request, so a tail shared by both is not the history query's.
 */
async function history() {
  const runs: { p50: number; p99: number; floorP50: number; floorP99: number }[] = [];
  for (let rep = 0; rep < reps; rep++) {
    await withTarget('parley', { users: 1, historyMessages: SCALE.history }, async (target) => {
      const { token } = (target.info.users as { token: string }[])[0]!;
      const roomId = target.info.generalId as string;
      const client = new KeepAliveClient(target.url, { authorization: `Bearer ${token}` });
      const page = async () => {
        const before = 51 + Math.floor(Math.random() * (SCALE.history - 50));
        const body = await client.get(`/api/rooms/${roomId}/messages?limit=50&before=${before}`);
        const { messages } = JSON.parse(body) as { messages: unknown[] };
        if (messages.length !== 50) throw new Error(`history page had ${messages.length} messages`);
      };
      for (let q = 0; q < SCALE.historyQueries / 10; q++) await page(); // warm-up, not measured
      const pages = new Samples();
      const floor = new Samples();
      for (let q = 0; q < SCALE.historyQueries; q++) {
        let started = now();
        await page();
        pages.push(now() - started);
        started = now();
        await client.get('/healthz');
        floor.push(now() - started);
      }
      client.close();
      const [sortedPages, sortedFloor] = [pages.sorted(), floor.sorted()];
      const run = {
        p50: percentile(sortedPages, 50),
        p99: percentile(sortedPages, 99),
        floorP50: percentile(sortedFloor, 50),
        floorP99: percentile(sortedFloor, 99),
      };
      log(
        `history: p50 ${round(run.p50, 2)} ms, p99 ${round(run.p99, 2)} ms over ${SCALE.history} messages (no-op request p50 ${round(run.floorP50, 2)}, p99 ${round(run.floorP99, 2)} ms)`,
      );
      runs.push(run);
    });
  }
  const med = (key: keyof (typeof runs)[number]) => median(runs.map((r) => r[key]));
  return {
    messages: SCALE.history,
    pageSize: 50,
    p50Ms: med('p50'),
    p99Ms: med('p99'),
    noopP50Ms: med('floorP50'),
    noopP99Ms: med('floorP99'),
  };
}

interface SearchKind {
  queries: { q: string; hits: number; capped: boolean }[];
  p50Ms: number;
  p99Ms: number;
  noopP50Ms: number;
  noopP99Ms: number;
}

/**
 * Scenario 7: search (issue 18). A million generated chat lines (bench/search-corpus.ts) in
 * 200 rooms, the searcher in 50; the index built by the backfill after the load, timed; then
 * each kind of query over HTTP, the kinds taking turns, each request followed by a no-op
 * request as in the history scenario. The data is loaded once, whatever --reps says. Then the
 * write-heavy load on servers with and without the index's write-path work, alternating.
 */
async function search() {
  const kinds = Object.keys(SEARCH_QUERIES);
  const setup = await withTarget(
    'parley',
    { users: SEARCH_AUTHORS, searchMessages: SCALE.searchMessages },
    async (target) => {
      const stats = target.info.search as Record<string, number | string>;
      log(
        `search: ${SCALE.searchMessages} messages loaded in ${round(Number(stats.loadMs) / 1000)} s; index built (${stats.indexBuild}) in ${round(Number(stats.indexMs) / 1000, 2)} s, ${Math.round(Number(stats.indexedPerSec))} messages/s; index ${round(Number(stats.indexBytes) / 2 ** 20)} MiB, messages table ${round(Number(stats.tableBytes) / 2 ** 20)} MiB (${round(Number(stats.indexRatio), 2)}×)`,
      );
      const { token } = (target.info.users as { token: string }[])[0]!;
      const client = new KeepAliveClient(target.url, { authorization: `Bearer ${token}` });
      const ask = async (q: string) => {
        const body = await client.get(`/api/search?q=${encodeURIComponent(q)}&limit=20`);
        return JSON.parse(body) as { hits: unknown[]; total: number; totalCapped: boolean };
      };
      const found: Record<string, SearchKind['queries']> = {};
      for (const kind of kinds) {
        found[kind] = [];
        for (const q of SEARCH_QUERIES[kind]!) {
          const answer = await ask(q);
          found[kind].push({ q, hits: answer.total, capped: answer.totalCapped });
        }
      }
      log('search: hits per query (1,000+ = capped)', found);
      const turns = (count: number, each: (kind: string, q: string) => Promise<void>) =>
        (async () => {
          for (let i = 0; i < count; i++) {
            if (i > 0 && i % 50 === 0) log(`search: ${i} of ${count} turns`);
            for (const kind of kinds) {
              const queries = SEARCH_QUERIES[kind]!;
              await each(kind, queries[i % queries.length]!);
            }
          }
        })();
      await turns(Math.max(5, SCALE.searchQueries / 10), async (_, q) => {
        await ask(q);
      }); // warm-up, not measured
      const samples = Object.fromEntries(
        kinds.map((k) => [k, { query: new Samples(), floor: new Samples() }]),
      );
      await turns(SCALE.searchQueries, async (kind, q) => {
        let started = now();
        await ask(q);
        samples[kind]!.query.push(now() - started);
        started = now();
        await client.get('/healthz');
        samples[kind]!.floor.push(now() - started);
      });
      client.close();
      const byKind: Record<string, SearchKind> = {};
      for (const kind of kinds) {
        const [query, floor] = [samples[kind]!.query.sorted(), samples[kind]!.floor.sorted()];
        byKind[kind] = {
          queries: found[kind]!,
          p50Ms: percentile(query, 50),
          p99Ms: percentile(query, 99),
          noopP50Ms: percentile(floor, 50),
          noopP99Ms: percentile(floor, 99),
        };
        log(
          `search ${kind}: p50 ${round(byKind[kind].p50Ms, 2)} ms, p99 ${round(byKind[kind].p99Ms, 2)} ms over ${SCALE.searchQueries} queries (no-op p50 ${round(byKind[kind].noopP50Ms, 2)}, p99 ${round(byKind[kind].noopP99Ms, 2)} ms)`,
        );
      }
      return { stats, byKind };
    },
  );

  // Write cost: the write-heavy load, servers with the index and without it alternating.
  const withIndex: number[] = [];
  const withoutIndex: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const without of [false, true]) {
      const run = await withTarget(
        'parley',
        { users: SCALE.dmPairs * 2, dmPairs: SCALE.dmPairs },
        (target) => writeLoad(target),
        without ? { BENCH_WITHOUT_SEARCH_INDEX: '1' } : {},
      );
      (without ? withoutIndex : withIndex).push(run.ackedPerSec);
      log(
        `search write cost, ${without ? 'without' : 'with'} the index: ${Math.round(run.ackedPerSec)} acknowledged messages/s (ack p99 ${round(run.ackP99Ms)} ms)`,
      );
    }
  }
  return {
    messages: SCALE.searchMessages,
    queriesPerKind: SCALE.searchQueries,
    ...setup,
    writes: {
      dmPairs: SCALE.dmPairs,
      withIndex,
      withoutIndex,
      pairRatios: withIndex.map((w, i) => w / withoutIndex[i]!),
      ratio: median(withIndex) / median(withoutIndex),
    },
  };
}

const SCENARIOS = { fanout, latency, writes, memory, storm, history, search } as const;

pinGenerator();
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
  pinned: hasTaskset && os.cpus().length > 1 ? 'server on core 0, generator on core 1' : 'not pinned',
  database: process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'SQLite (synchronous=FULL)',
  serverFlags: process.env.BENCH_NODE_FLAGS?.trim() || 'none',
};
log('machine', machine);
const results: Record<string, unknown> = {};
for (const [name, run] of Object.entries(SCENARIOS)) {
  if (only && !only.includes(name)) continue;
  log(`--- ${name}`);
  results[name] = await run();
}
const report = { date: new Date().toISOString(), mode: smoke ? 'smoke' : 'full', reps, machine, results };
const dir = path.resolve(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, smoke ? 'smoke.json' : 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
const markdown = renderMarkdown(report);
writeFileSync(path.join(dir, smoke ? 'smoke.md' : 'latest.md'), markdown);
console.log(markdown);
process.exit(0);

function renderMarkdown(r: typeof report): string {
  // The report is plain JSON built above; its shape per scenario is known at the call sites.
  // biome-ignore lint/suspicious/noExplicitAny: rendering walks that JSON by name
  const res = r.results as Record<string, Record<string, any>>;
  const f = (v: number | undefined, d = 1) =>
    v === undefined || Number.isNaN(v) ? '—' : round(v, d).toLocaleString('en-US');
  // Fan-out figures of a target that passed every step are floors, shown as "≥".
  const floor = (t?: { deliveriesPerSec: number; passedEveryStep: boolean }) =>
    `${t?.passedEveryStep ? '≥ ' : ''}${f(t?.deliveriesPerSec, 0)}`;
  // Parley's figure a floor and the baseline's a ceiling: the ratio is a floor. Both floors:
  // the run says nothing about their ratio.
  const fanoutRatio = (r: number | undefined, baseline?: { passedEveryStep: boolean }) =>
    !res.fanout?.parley?.passedEveryStep
      ? `${f(r, 2)}×`
      : baseline?.passedEveryStep
        ? '? (both passed every step)'
        : `≥ ${f(r, 2)}×`;
  const lines = [
    `Parley benchmark — ${r.mode}, ${r.reps} repetition(s), medians. ${r.date}`,
    '',
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; ${r.machine.pinned}; Parley on ${r.machine.database}; server flags: ${r.machine.serverFlags}.`,
    '',
  ];
  if (Object.keys(res).some((name) => name !== 'search'))
    lines.push(
      '| Scenario | raw ws | bare Socket.IO | Parley | Parley / Socket.IO | Parley / ws | Target |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
  if (res.fanout) {
    const x = res.fanout;
    lines.push(
      `| 1. Fan-out, ${x.clients} clients, ${x.senders} senders: deliveries/s at 100 % delivery, p99 < 100 ms | ${floor(x.ws)} | ${floor(x.socketio)} | ${floor(x.parley)} | ${fanoutRatio(x.ratioVsSocketIO, x.socketio)} | ${fanoutRatio(x.ratioVsWs, x.ws)} | ≥ 1.0× Socket.IO, ≥ 0.8× ws |`,
    );
  }
  if (res.latency) {
    const x = res.latency;
    lines.push(
      `| 2. Latency at ${f(x.deliveriesPerSecTarget, 0)} deliveries/s: p50 / p95 / p99 ms | ${f(x.ws?.p50)} / ${f(x.ws?.p95)} / ${f(x.ws?.p99)} | ${f(x.socketio?.p50)} / ${f(x.socketio?.p95)} / ${f(x.socketio?.p99)} | ${f(x.parley?.p50)} / ${f(x.parley?.p95)} / ${f(x.parley?.p99)} | ${f(x.p99RatioVsSocketIO, 2)}× (p99) | | p99 ≤ Socket.IO and < 50 ms |`,
    );
  }
  if (res.writes) {
    const x = res.writes;
    const cell = (t?: { ackedPerSec: number; ackP99Ms: number }) =>
      t ? `${f(t.ackedPerSec, 0)} (${f(t.ackP99Ms)} ms)` : '—';
    lines.push(
      `| 3. Write-heavy, ${x.dmPairs} DM pairs: acknowledged messages/s, Parley's durable (ack p99) | | ${cell(x.socketio)} | ${cell(x.parley)} | ${f(x.ratioVsSocketIO, 2)}× | | ≥ 50,000/s |`,
    );
  }
  if (res.memory) {
    const m = res.memory.kibPerConnection;
    lines.push(
      `| 4. Memory, ${res.memory.connections} idle connections in 5 rooms: KiB per connection | ${f(m?.ws)} | ${f(m?.socketio)} | ${f(m?.parley)} | | | ≤ 20 KiB |`,
    );
  }
  if (res.storm)
    lines.push(
      `| 5. Reconnect storm, ${res.storm.clients} clients with auth + resync: seconds to recover (failures) | | | ${f(res.storm.recoverySeconds, 2)} (${res.storm.failures}) | | | ≤ 10 s, 0 failures |`,
    );
  if (res.history)
    lines.push(
      `| 6. History, ${f(res.history.messages, 0)} messages: page of 50 at random depth, p50 / p99 ms (no-op request on the same server) | | | ${f(res.history.p50Ms, 2)} / ${f(res.history.p99Ms, 2)} (${f(res.history.noopP50Ms, 2)} / ${f(res.history.noopP99Ms, 2)}) | | | p99 < 5 ms |`,
    );
  if (res.search) {
    const x = res.search;
    const s = x.stats as Record<string, number | string>;
    const mib = (bytes: unknown) => f(Number(bytes) / 2 ** 20, 0);
    const hits = (k: SearchKind) =>
      k.queries.map((q) => `\`${q.q}\` ${q.capped ? '1,000+' : f(q.hits, 0)}`).join(', ');
    lines.push(
      '',
      `7. Search, ${f(x.messages, 0)} messages in ${s.rooms} rooms, the searcher in ${s.memberOf}: p50 / p99 ms over ${x.queriesPerKind} queries a kind (no-op request on the same server beside each). Target p99 < 50 ms on SQLite.`,
      '',
      '| Query | p50 / p99 ms | no-op p50 / p99 ms | Queries (hits the searcher may read) |',
      '| --- | --- | --- | --- |',
      ...Object.entries(x.byKind as Record<string, SearchKind>).map(
        ([kind, k]) =>
          `| ${kind} | ${f(k.p50Ms, 2)} / ${f(k.p99Ms, 2)} | ${f(k.noopP50Ms, 2)} / ${f(k.noopP99Ms, 2)} | ${hits(k)} |`,
      ),
      '',
      `Index built by ${s.indexBuild}: ${f(Number(s.indexedPerSec), 0)} messages/s (${f(Number(s.indexMs) / 1000, 1)} s; the load itself ${f(Number(s.loadMs) / 1000, 1)} s). Index ${mib(s.indexBytes)} MiB against the messages table's ${mib(s.tableBytes)} MiB: ${f(Number(s.indexRatio), 2)}× (table with its indexes ${mib(s.tableAndIndexes)} MiB).`,
      '',
      `Write cost, write-heavy with ${x.writes.dmPairs} DM pairs, with the index and without it alternating: ${x.writes.withIndex.map((v: number) => f(v, 0)).join(' / ')} against ${x.writes.withoutIndex.map((v: number) => f(v, 0)).join(' / ')} acked/s — ${f(x.writes.ratio, 3)}× (medians; target ≥ 0.85×, at most 15 % slower).`,
    );
  }
  const frames = res.latency ?? res.fanout;
  if (frames)
    lines.push(
      '',
      `Frames delivered in scenarios 1–2: raw ws ${f(frames.ws?.frameBytes, 0)} B, bare Socket.IO ${f(frames.socketio?.frameBytes, 0)} B, Parley ${f(frames.parley?.frameBytes, 0)} B (Parley's carry the stored message: ids, author, timestamps).`,
    );
  const [sizedFanout, sizedLatency] = [res.fanout?.['socketio-sized'], res.latency?.['socketio-sized']];
  if (sizedFanout || sizedLatency)
    lines.push(
      '',
      `Bare Socket.IO relaying frames of Parley's size (${f((sizedLatency ?? sizedFanout).frameBytes, 0)} B): fan-out ${floor(sizedFanout)} deliveries/s (Parley / it: ${fanoutRatio(res.fanout?.ratioVsSocketIOSized, sizedFanout)}); latency p50 / p95 / p99 ${f(sizedLatency?.p50)} / ${f(sizedLatency?.p95)} / ${f(sizedLatency?.p99)} ms (Parley / it at p99: ${f(res.latency?.p99RatioVsSocketIOSized, 2)}×).`,
    );
  const floors = FRAME_TARGETS.filter((name) => res.fanout?.[name]?.passedEveryStep);
  if (floors.length > 0)
    lines.push(
      '',
      `≥: ${floors.join(', ')} passed every fan-out step offered, up to ${res.fanout?.topRate} msg/s × ${res.fanout?.clients} members — the figure is a floor, not that target's ceiling.`,
    );
  return `${lines.join('\n')}\n`;
}
