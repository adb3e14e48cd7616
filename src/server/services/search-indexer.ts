import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Executor } from '../store/executor.js';
import { type BackfillStep, backfillSearchIndex } from '../store/search-index.js';

/** Messages indexed per step: each step holds the write lock for a few milliseconds. */
export const BACKFILL_BATCH = 200;
/** How often the log says how far it got, at most. */
const PROGRESS_EVERY_MS = 5_000;
/** After a failed step (the database away), the wait before the next try. */
const RETRY_AFTER_MS = 5_000;

/** Runs one step as a write job (the server's write queue, or the CLI's own transaction). */
export type RunStep = (step: (trx: Executor) => Promise<BackfillStep>) => Promise<BackfillStep>;

/**
 * Indexes the messages the search index has not seen yet (those from before migration 014,
 * or all of them after `parley reindex-search`), newest first, one small step at a time, so
 * other writes run between the steps. Resolves with how many messages it looked at.
 */
export async function backfillSearch(
  run: RunStep,
  options: {
    batchSize?: number;
    onProgress?(examined: number, remainingBelow: number): void;
    stopped?(): boolean;
  } = {},
): Promise<number> {
  let examined = 0;
  let lastReport = Date.now();
  while (!options.stopped?.()) {
    const step = await run((trx) => backfillSearchIndex(trx, options.batchSize ?? BACKFILL_BATCH));
    if (step.examined === 0) break;
    examined += step.examined;
    if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
      lastReport = Date.now();
      options.onProgress?.(examined, step.remainingBelow);
    }
  }
  return examined;
}

/**
 * The server's backfill: started after the server listens, so the index of a big old archive
 * fills in behind a server already in use (new messages are indexed as they are written).
 * A database that goes away pauses it; it carries on where it stopped.
 */
export class SearchIndexer {
  private stopped = false;
  private running: Promise<void> | undefined;
  /** Ends a wait between retries at once when the server closes. */
  private readonly closing = new AbortController();

  constructor(private readonly deps: { run: RunStep; logger: Logger }) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closing.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const { run, logger } = this.deps;
    const started = Date.now();
    let total = 0;
    while (!this.stopped) {
      try {
        total += await backfillSearch(run, {
          stopped: () => this.stopped,
          onProgress: (examined, remainingBelow) =>
            logger.info(
              { indexed: total + examined, remainingBelow },
              'search index: indexing older messages',
            ),
        });
        if (total > 0 && !this.stopped) {
          logger.info({ indexed: total, ms: Date.now() - started }, 'search index: older messages indexed');
        }
        return;
      } catch (error) {
        if (this.stopped) return;
        logger.warn({ err: error }, 'search index: could not index older messages, trying again shortly');
        await sleep(RETRY_AFTER_MS, undefined, { signal: this.closing.signal }).catch(() => {});
      }
    }
  }
}
