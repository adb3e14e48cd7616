import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics for one node, served at /metrics. Rates (events/s) come from the
 * counters with PromQL's rate(); latencies are histograms with buckets around what a chat
 * needs to feel instant.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly connections = new Gauge({
    name: 'parley_socket_connections',
    help: 'Socket.IO connections open on this node',
    registers: [this.registry],
  });

  readonly events = new Counter({
    name: 'parley_socket_events_total',
    help: 'Client events handled, by event name and outcome',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly ackLatency = new Histogram({
    name: 'parley_ack_latency_seconds',
    help: 'Time from receiving a client event to sending its acknowledgement',
    labelNames: ['event'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly dbWrite = new Histogram({
    name: 'parley_db_write_seconds',
    help: 'Duration of one group-commit transaction, from BEGIN to COMMIT',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly dbBatchSize = new Histogram({
    name: 'parley_db_write_batch_size',
    help: 'Writes committed together in one transaction',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2048],
    registers: [this.registry],
  });

  readonly redisErrors = new Counter({
    name: 'parley_redis_errors_total',
    help: 'Errors on the Redis connections (cluster bus and shared state)',
    registers: [this.registry],
  });

  readonly busDropped = new Counter({
    name: 'parley_cluster_bus_dropped_total',
    help: 'Deliveries not published to the other nodes (Redis away too long); clients recover them by sync',
    registers: [this.registry],
  });

  readonly roomEventsHeld = new Counter({
    name: 'parley_room_events_held_total',
    help: 'Room events that arrived before an earlier one and waited for it, to go out in seq order',
    registers: [this.registry],
  });

  readonly roomGapsGivenUp = new Counter({
    name: 'parley_room_gaps_given_up_total',
    help: 'Times a missing room event did not arrive in time and later ones went out without it',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
  }

  /** Children per label set, so counting an event does not hash its labels every time. */
  private readonly eventChildren = new Map<
    string,
    { count: { inc(): void }; latency: { observe(value: number): void } }
  >();

  /** One handled client event: its outcome and how long until it was acknowledged. */
  recordEvent(event: string, outcome: string, seconds: number): void {
    const key = `${event}\u0000${outcome}`;
    let children = this.eventChildren.get(key);
    if (!children) {
      children = {
        count: this.events.labels({ event, outcome }),
        latency: this.ackLatency.labels({ event }),
      };
      this.eventChildren.set(key, children);
    }
    children.count.inc();
    children.latency.observe(seconds);
  }

  recordBatch = (durationMs: number, size: number): void => {
    this.dbWrite.observe(durationMs / 1000);
    this.dbBatchSize.observe(size);
  };
}
