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

  readonly adapterErrors = new Counter({
    name: 'parley_adapter_errors_total',
    help: 'Errors on the Redis connections used for cross-node fan-out and cluster state',
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
