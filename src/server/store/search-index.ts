import { PostgresAdapter, sql } from 'kysely';
import type { Executor } from './executor.js';

/**
 * Upkeep of the SQLite search index (migration 014): indexing what this transaction's writes
 * queued, indexing the messages that were there before it, and starting it over. On
 * PostgreSQL the GIN index covers every row by itself, so these do nothing there.
 */

const onPostgres = (db: Executor) => db.getExecutor().adapter instanceof PostgresAdapter;

/*
 * Every text is indexed with a space after it: a two-character word at the very end of a
 * message then still begins a trigram ("会議 "), which is how store/search.ts finds words too
 * short for trigrams (through message_search_vocab). Queries are trimmed, so the space is
 * never part of what anyone looks for.
 */

/**
 * Indexes the messages the triggers queued in this transaction: drops the entries of those
 * edited, deleted or removed, indexes those still live, empties the queue. Run last in every
 * transaction that writes messages — the write queue's batch and shortTransaction do — so a
 * commit holds the message and its index entry together. One statement for the whole batch
 * costs FTS5 one flush instead of one per message. Anything written outside both is indexed
 * by the next batch's flush.
 */
export async function flushSearchIndex(db: Executor): Promise<void> {
  if (onPostgres(db)) return;
  const queued = await sql<{ one: number }>`select 1 as one from message_search_pending limit 1`.execute(db);
  if (queued.rows.length === 0) return;
  // One by rowid, not `rowid in (select …)`: FTS5 serves that by scanning the whole index
  // (measured: it made each batch's flush grow with the index). Edits and deletions are few.
  const forget = await sql<{ rowid: number }>`
    select rowid from message_search_pending where forget = 1`.execute(db);
  for (const { rowid } of forget.rows) {
    await sql`delete from message_search where rowid = ${rowid}`.execute(db);
  }
  // CROSS JOIN keeps the queue the outer loop: without statistics SQLite may otherwise walk
  // every message and look each up in the queue (measured: 4 ms a flush at 100k messages).
  await sql`
    insert into message_search (rowid, text)
    select m.rowid, m.text || ' ' from message_search_pending p cross join messages m on m.rowid = p.rowid
    where m.kind = 'user' and m.deleted_at is null`.execute(db);
  await sql`delete from message_search_pending`.execute(db);
}

export interface BackfillStep {
  /** Messages looked at in this step (system lines and deleted ones are skipped, not indexed). */
  examined: number;
  /** Rowids below this are still to do; 0 when the backfill is finished. */
  remainingBelow: number;
}

/**
 * Indexes the next `batchSize` messages older than the index, newest first — recent messages
 * are what people look for, so they become findable first. Meant to run as one job of the
 * write queue at a time (the service loops until `examined` is 0): each step is a few
 * milliseconds of write lock, never minutes. An entry a trigger already made (an old message
 * edited meanwhile) is replaced, not doubled: a contentless FTS5 table does not refuse a
 * second row with the same rowid.
 */
export async function backfillSearchIndex(db: Executor, batchSize: number): Promise<BackfillStep> {
  if (onPostgres(db)) return { examined: 0, remainingBelow: 0 };
  // What the batch's other jobs queued goes in first, so no entry is made twice below.
  await flushSearchIndex(db);
  const state = await sql<{ next_below: number }>`
    select next_below from message_search_backfill where id = 1`.execute(db);
  const nextBelow = state.rows[0]?.next_below ?? 0;
  if (nextBelow <= 0) return { examined: 0, remainingBelow: 0 };
  const batch = await sql<{ low: number | null; n: number }>`
    select min(rowid) as low, count(*) as n from (
      select rowid from messages where rowid < ${nextBelow} order by rowid desc limit ${batchSize}
    )`.execute(db);
  const { low, n } = batch.rows[0] ?? { low: null, n: 0 };
  if (low === null || n === 0) {
    await sql`update message_search_backfill set next_below = 0 where id = 1`.execute(db);
    return { examined: 0, remainingBelow: 0 };
  }
  // One rowid at a time: FTS5 serves a range delete by scanning the whole index, which made
  // each step slower as the index grew (24 ms a step at 300,000 entries, even for an empty
  // range); a delete by rowid is a lookup.
  const rowids = await sql<{ rowid: number }>`
    select rowid from messages where rowid >= ${low} and rowid < ${nextBelow}`.execute(db);
  for (const { rowid } of rowids.rows) {
    await sql`delete from message_search where rowid = ${rowid}`.execute(db);
  }
  await sql`
    insert into message_search (rowid, text)
    select rowid, text || ' ' from messages
    where rowid >= ${low} and rowid < ${nextBelow} and kind = 'user' and deleted_at is null`.execute(db);
  await sql`update message_search_backfill set next_below = ${low} where id = 1`.execute(db);
  return { examined: Number(n), remainingBelow: low };
}

/**
 * Empties the index and sets the backfill to redo every message (the rebuild command), for a
 * copy whose rowids moved — VACUUM may renumber the rowids of a table without an INTEGER
 * PRIMARY KEY, which would leave the index pointing at the wrong messages.
 */
export async function resetSearchIndex(db: Executor): Promise<void> {
  if (onPostgres(db)) {
    await sql`reindex index messages_search`.execute(db);
    return;
  }
  await sql`insert into message_search (message_search) values ('delete-all')`.execute(db);
  await sql`delete from message_search_pending`.execute(db);
  await sql`
    update message_search_backfill set next_below = (select coalesce(max(rowid), 0) + 1 from messages)
    where id = 1`.execute(db);
}

/**
 * Benchmark only (ParleyOptions.benchWithoutSearchIndex): takes away what keeps the index in
 * step with writes — SQLite's triggers, PostgreSQL's GIN index — so the write-heavy benchmark
 * can compare a server without it. Never called by the product.
 */
export async function dropSearchIndex(db: Executor): Promise<void> {
  if (onPostgres(db)) {
    await sql`drop index if exists messages_search`.execute(db);
    await sql`drop index if exists messages_search_cjk`.execute(db);
    return;
  }
  for (const trigger of ['message_search_insert', 'message_search_update', 'message_search_delete']) {
    await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
  }
}
