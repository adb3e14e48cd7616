import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Delivery, Peers } from '../realtime/broadcaster.js';
import { KEY_PREFIX } from './redis.js';

const STREAM = `${KEY_PREFIX}bus`;
/** Entries kept in the stream: minutes of traffic, so a node that was away briefly catches up. */
const STREAM_MAX_LEN = 100_000;
/** Publications that may wait for Redis to come back before new ones are dropped. */
const MAX_WAITING = 10_000;

interface Entry {
  from: string;
  deliveries: Delivery[];
}

/**
 * How the nodes of a cluster tell each other's sockets what happened: one Redis stream that
 * every node appends to (one entry per committed batch) and reads from its own offset.
 *
 * Parley used Socket.IO's Redis Streams adapter for this. The adapter waits for each XADD to
 * return before it delivers to the node's own sockets (so every ack and local broadcast paid a
 * Redis round trip, and seconds of retries during an outage), sends one entry per emit, and
 * cannot keep a room's events in seq order across nodes. Here a node delivers to its own
 * sockets at once (realtime/broadcaster.ts) and only then hears from the others; the receiver
 * orders each room by seq (realtime/room-order.ts).
 *
 * While Redis is away, publications wait in order (up to MAX_WAITING) and go out when it is
 * back; what is dropped beyond that, clients recover with `sync` (docs/protocol.md §8). The
 * reader continues from its last entry after a blip, and after a Redis restart reads the new
 * stream from the start.
 */
export class ClusterBus implements Peers {
  private readonly publisher: Redis;
  private readonly reader: Redis;
  private waiting = 0;
  private stopped = false;
  private reading: Promise<void> | undefined;
  private lastWarning = 0;

  constructor(
    redisUrl: string,
    private readonly nodeId: string,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {
    const options = {
      // Never give up on a command: a publication waits for the connection and keeps its place.
      maxRetriesPerRequest: null,
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
    };
    this.publisher = new Redis(redisUrl, { ...options, connectionName: 'parley-bus-publish' });
    this.reader = new Redis(redisUrl, { ...options, connectionName: 'parley-bus-read' });
    for (const connection of [this.publisher, this.reader]) {
      connection.on('error', (error) => {
        metrics.redisErrors.inc();
        this.warn(error, 'cluster bus: redis connection problem');
      });
    }
  }

  async start(onDeliveries: (deliveries: Delivery[], from: string) => void): Promise<void> {
    // Start after the newest entry: what happened before this node existed is in the database.
    const newest = await this.reader.xrevrange(STREAM, '+', '-', 'COUNT', 1);
    this.reading = this.readFrom(newest[0]?.[0] ?? '0-0', onDeliveries);
  }

  /**
   * Calls `listener` each time the reader's connection comes back after it was lost: what other
   * nodes published meanwhile may be gone (a restarted Redis keeps nothing), so whatever this
   * node derives from the bus should be read again.
   */
  onReconnect(listener: () => void): void {
    let connected = this.reader.status === 'ready';
    this.reader.on('ready', () => {
      if (connected) listener();
      connected = true;
    });
  }

  publish(deliveries: readonly Delivery[]): void {
    if (this.stopped) return;
    if (this.waiting >= MAX_WAITING) {
      this.metrics.busDropped.inc();
      return;
    }
    this.waiting++;
    const entry: Entry = { from: this.nodeId, deliveries: [...deliveries] };
    this.publisher
      .xadd(STREAM, 'MAXLEN', '~', STREAM_MAX_LEN, '*', 'e', JSON.stringify(entry))
      .catch((error: unknown) => {
        this.metrics.busDropped.inc();
        this.warn(error, 'cluster bus: could not publish');
      })
      .finally(() => {
        this.waiting--;
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // Let what this node published (its last goodbyes) reach Redis, but do not wait forever.
    const deadline = Date.now() + 2_000;
    while (this.waiting > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    this.reader.disconnect();
    await this.reading;
    // QUIT would wait for a Redis that is away as patiently as the publications did.
    if (this.publisher.status === 'ready') await this.publisher.quit().catch(() => {});
    this.publisher.disconnect();
  }

  private async readFrom(
    start: string,
    onDeliveries: (deliveries: Delivery[], from: string) => void,
  ): Promise<void> {
    let offset = start;
    // A restarted Redis begins a new stream whose ids may be below our offset (its clock): when
    // the connection comes back, read the new stream from its start if it is behind us.
    let reconnected = false;
    this.reader.on('ready', () => {
      reconnected = true;
    });
    while (!this.stopped) {
      try {
        if (reconnected) {
          reconnected = false;
          const newest = await this.reader.xrevrange(STREAM, '+', '-', 'COUNT', 1);
          if (!newest[0] || compareIds(newest[0][0], offset) < 0) offset = '0-0';
        }
        const result = await this.reader.xread('COUNT', 500, 'BLOCK', 5_000, 'STREAMS', STREAM, offset);
        for (const [, entries] of result ?? []) {
          for (const [id, fields] of entries) {
            offset = id;
            const entry = parseEntry(fields);
            if (entry && entry.from !== this.nodeId) onDeliveries(entry.deliveries, entry.from);
          }
        }
      } catch (error) {
        if (this.stopped) return;
        this.warn(error, 'cluster bus: could not read');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  private warn(error: unknown, message: string): void {
    if (Date.now() - this.lastWarning < 5_000) return;
    this.lastWarning = Date.now();
    this.logger.warn({ err: error }, message);
  }
}

function parseEntry(fields: string[]): Entry | undefined {
  const index = fields.indexOf('e');
  if (index < 0) return undefined;
  try {
    return JSON.parse(fields[index + 1]!) as Entry;
  } catch {
    return undefined;
  }
}

/** Orders two stream ids (`<ms>-<n>`). */
export function compareIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(Number) as [number, number];
  const [bMs, bSeq] = b.split('-').map(Number) as [number, number];
  return aMs - bMs || aSeq - bSeq;
}
