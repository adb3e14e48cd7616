import { CompiledQuery, type ControlledTransaction, type Kysely, type Transaction } from 'kysely';
import { runPreparedSynchronously, type SynchronousRunner } from './prepared.js';
import type { Schema } from './schema.js';

// Same SQL on SQLite and PostgreSQL. ROLLBACK TO keeps the savepoint open, so it is released after.
const SAVEPOINT = CompiledQuery.raw('savepoint job');
const RELEASE = CompiledQuery.raw('release savepoint job');
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint job');

export type Work<T> = (trx: Transaction<Schema>) => Promise<T>;

interface Job {
  work: Work<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Group commit. Every write is a small job; jobs that arrive while a batch is being committed
 * are gathered and run together in one transaction, each inside its own savepoint so a failing
 * job rolls back alone. The commit (and with SQLite synchronous=FULL, its single fsync) then
 * makes the whole batch durable, and only after it do the jobs' promises settle: callers ack
 * clients strictly after their data is on disk.
 *
 * Jobs run one after another, so each sees the writes of the jobs before it; a job that reads
 * in here sees a state consistent with every effect already announced to clients.
 */
export class WriteQueue {
  private pending: Job[] = [];
  private running: Promise<void> | null = null;
  private closed = false;

  private readonly maxBatch: number;
  private readonly onBatch: ((durationMs: number, size: number) => void) | undefined;
  private readonly onCommitted: ((results: readonly unknown[]) => void) | undefined;
  private readonly runNow: SynchronousRunner | undefined;
  private readonly beforeCommit: ((trx: Transaction<Schema>) => Promise<void>) | undefined;

  constructor(
    private readonly db: Kysely<Schema>,
    options: {
      maxBatch?: number;
      onBatch?: ((durationMs: number, size: number) => void) | undefined;
      /**
       * Called once per committed batch, before any job's promise settles, with the results of
       * the jobs that succeeded, in the order they ran — the order of their changes.
       */
      onCommitted?: ((results: readonly unknown[]) => void) | undefined;
      /** SQLite: runs SQL on `db`'s connection at once (see runPreparedSynchronously). */
      runNow?: SynchronousRunner | undefined;
      /**
       * Runs once per batch after its jobs, inside the transaction: work that is cheaper once
       * for the batch than once per job (the search index, store/search-index.ts). If it
       * fails, the batch fails as a whole.
       */
      beforeCommit?: ((trx: Transaction<Schema>) => Promise<void>) | undefined;
    } = {},
  ) {
    // Under load a bigger batch touches each index page once for more messages (several per
    // room), which roughly halves SQLite's cost per message at 4000 versus 500; the cap bounds
    // how long one commit holds the event loop.
    this.maxBatch = options.maxBatch ?? 2048;
    this.onBatch = options.onBatch;
    this.onCommitted = options.onCommitted;
    this.runNow = options.runNow;
    this.beforeCommit = options.beforeCommit;
  }

  run<T>(work: Work<T>): Promise<T> {
    if (this.closed) return Promise.reject(new WriteQueueClosedError());
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) this.running = this.drainLoop();
    });
  }

  /** Waits until everything accepted so far is committed; new work is still taken. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops taking new work and waits until everything accepted so far is committed. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drainLoop(): Promise<void> {
    // Yield once so that writes issued in the same tick (a burst of socket packets) share a batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      const started = performance.now();
      await this.commit(batch);
      this.onBatch?.(performance.now() - started, batch.length);
    }
    this.running = null;
  }

  private async commit(batch: Job[]): Promise<void> {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    const { runNow } = this;
    let trx: ControlledTransaction<Schema> | undefined;
    let unbind = () => {};
    try {
      trx = await this.db.startTransaction().execute();
      const open = trx;
      if (runNow) unbind = runPreparedSynchronously(open, runNow);
      // Savepoints as fixed statements: Kysely's savepoint API builds a new transaction
      // object and compiles SQL for every job, which the send path cannot afford.
      const exec = runNow
        ? (query: CompiledQuery) => runNow(query.sql, query.parameters)
        : (query: CompiledQuery) => open.executeQuery(query);
      if (batch.length === 1) {
        // Alone in its batch, a job needs no savepoint: its failure rolls back the transaction.
        try {
          outcomes.push({ ok: true, value: await batch[0]!.work(open) });
        } catch (error) {
          await open.rollback().execute();
          batch[0]!.reject(error);
          return;
        }
      } else {
        for (const job of batch) {
          await exec(SAVEPOINT);
          try {
            const value = await job.work(open);
            await exec(RELEASE);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await exec(ROLLBACK_TO);
            await exec(RELEASE);
            outcomes.push({ ok: false, error });
          }
        }
      }
      await this.beforeCommit?.(open);
      await open.commit().execute();
    } catch (error) {
      // The transaction itself failed (BEGIN, a savepoint, COMMIT): nothing in it was stored,
      // and the cause is the database, not a job, so every job gets a retryable failure.
      if (trx)
        await trx
          .rollback()
          .execute()
          .catch(() => {});
      for (const job of batch) job.reject(new BatchFailedError(error));
      return;
    } finally {
      // Ended, whichever way: no prepared query may run on its connection through it any more
      // (settled jobs only continue after this, in later microtasks).
      unbind();
    }
    this.onCommitted?.(outcomes.flatMap((outcome) => (outcome.ok ? [outcome.value] : [])));
    batch.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }
}

/** The batch's transaction itself failed (lost connection, disk full): nothing in it was stored. */
export class BatchFailedError extends Error {
  constructor(cause: unknown) {
    super('the database write failed', { cause });
    this.name = 'BatchFailedError';
  }
}

/** The node is shutting down: the queue takes no new work. */
export class WriteQueueClosedError extends Error {
  constructor() {
    super('write queue is closed');
    this.name = 'WriteQueueClosedError';
  }
}
