import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * Message search (issue 18, store/search.ts): an index of live user messages' text that finds
 * any substring of 3+ characters, case- and accent-insensitively.
 *
 * SQLite: an FTS5 table with the trigram tokenizer, keyed by the messages table's rowid (the
 * table has one: its primary key is text, and it is not WITHOUT ROWID). It is contentless
 * (content='') with contentless_delete=1 rather than external-content: an external-content
 * index must be told a row's exact old text to forget it, and a row the backfill has not
 * reached yet was never indexed — "forgetting" it would corrupt the index. A contentless-delete
 * table forgets by rowid, whether the row is there or not. Highlighting happens in the web
 * client, so nothing needs the index to hand back the text (search reads it from messages).
 *
 * Triggers keep it in step in the same transaction as the write: they queue each new, edited,
 * tombstoned or removed message's rowid, and the write queue indexes the queue before it
 * commits (flushSearchIndex): a new user message is indexed, an edit replaces its entry, a
 * deletion drops it. System lines and deleted messages are never indexed.
 *
 * Messages already there are indexed afterwards, newest first, in small batches
 * (backfillSearchIndex), so that a large archive does not hold the write lock for minutes
 * here: message_search_backfill keeps how far it has come.
 *
 * PostgreSQL: pg_trgm's GIN index on the folded text (unaccent, lower case), partial on live
 * user messages; search uses LIKE on the same expression, which that index serves.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    // Kysely runs SQLite migrations outside a transaction; a table without its triggers would
    // silently miss every message written after it, so all of it commits or none does.
    await db.transaction().execute(upSqlite);
  } else await upPostgres(db);
}

async function upSqlite(db: Kysely<unknown>): Promise<void> {
  // remove_diacritics folds Latin accents (measured on the bundled SQLite 3.53: `cafe` finds
  // `Café`); Greek and Cyrillic keep theirs, as domain/search-query.ts folds the query.
  await sql`
    create virtual table message_search using fts5(
      text, content='', contentless_delete=1, tokenize='trigram remove_diacritics 1'
    )`.execute(db);
  // The index's trigrams, in order: a two-character CJK word is looked up as the trigrams
  // that begin with it (store/search.ts), found by a range of this table's terms.
  await sql`create virtual table message_search_vocab using fts5vocab(message_search, 'row')`.execute(db);
  // A deleted or edited message's old text must not stay readable in the file (or a backup of
  // it) as leftover index entries: secure-delete removes them from the index's pages at once.
  await sql`insert into message_search (message_search, rank) values ('secure-delete', 1)`.execute(db);
  await sql`
    create table message_search_backfill (
      id integer primary key check (id = 1),
      next_below integer not null
    )`.execute(db);
  // Rows from here on are indexed by the triggers; those below are the backfill's to do.
  await sql`
    insert into message_search_backfill (id, next_below)
    select 1, coalesce(max(rowid), 0) + 1 from messages`.execute(db);
  // What the triggers queue for the index. Writing FTS5 from a trigger costs ~43 µs a message
  // (measured: each trigger statement makes FTS5 flush its pending terms, one tiny segment per
  // message, 100k inserts 1.2 s → 5.4 s), so the triggers only note the rowid here and
  // flushSearchIndex (store/search-index.ts) indexes the batch's messages in one statement
  // just before the write queue commits — the same commit, for ~7–14 µs a message.
  // `forget`: the rowid may be in the index already (an edit, a deletion), so drop it first.
  await sql`
    create table message_search_pending (
      rowid integer primary key,
      forget integer not null
    )`.execute(db);
  await sql`
    create trigger message_search_insert after insert on messages
    when new.kind = 'user' and new.deleted_at is null
    begin
      insert or ignore into message_search_pending (rowid, forget) values (new.rowid, 0);
    end`.execute(db);
  // An edit, a tombstone, or an edit of an old row the backfill has not reached yet (the
  // backfill replaces that entry again when it gets there).
  await sql`
    create trigger message_search_update after update of text, deleted_at, kind on messages
    begin
      insert into message_search_pending (rowid, forget) values (old.rowid, 1)
        on conflict (rowid) do update set forget = 1;
    end`.execute(db);
  await sql`
    create trigger message_search_delete after delete on messages
    begin
      insert into message_search_pending (rowid, forget) values (old.rowid, 1)
        on conflict (rowid) do update set forget = 1;
    end`.execute(db);
}

async function upPostgres(db: Kysely<unknown>): Promise<void> {
  // Both are "trusted" extensions (PostgreSQL 13+): the database's owner may create them.
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create extension if not exists unaccent`.execute(db);
  // unaccent() is only STABLE (its dictionary could change), so an index cannot use it
  // directly; this wrapper is declared IMMUTABLE, as the unaccent docs suggest. The extension's
  // schema is written into the body: an index expression is also evaluated with an empty
  // search_path (pg_dump's restore, autovacuum), where an unqualified unaccent is not found.
  await sql`
    do $$
    declare s text;
    begin
      select n.nspname into s from pg_extension e join pg_namespace n on n.oid = e.extnamespace
      where e.extname = 'unaccent';
      execute format(
        'create or replace function parley_search_text(t text) returns text
         language sql immutable strict parallel safe
         as %L',
        format('select lower(%I.unaccent(%L::regdictionary, t))', s, s || '.unaccent'));
    end
    $$`.execute(db);
  // Not CONCURRENTLY: Kysely's migrator runs every pending migration in one transaction on
  // PostgreSQL, and CREATE INDEX CONCURRENTLY cannot run in one. A plain build blocks writes
  // to messages (not reads) while it runs, at start-up before this node serves; measured
  // ~1 s per 100k messages. A large installation can build it beforehand, by hand, with
  // CREATE INDEX CONCURRENTLY and this same definition: IF NOT EXISTS then skips it here.
  await sql`
    create index if not exists messages_search on messages
    using gin (parley_search_text(text) gin_trgm_ops)
    where deleted_at is null and kind = 'user'`.execute(db);
  // Two-character CJK words, which trigrams cannot serve: each message's distinct pairs of
  // CJK characters (Han, kana, Hangul), in a GIN index that `@>` looks them up in. A text
  // with no CJK at all is told apart by one regex, so it costs the index build almost nothing.
  await sql`
    create or replace function parley_cjk_pairs(t text) returns text[]
    language sql immutable strict parallel safe
    as $fn$
      select case when t !~ '[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]' then '{}'::text[] else
        coalesce((select array_agg(distinct p) from (
          select substr(t, i, 2) as p from generate_series(1, char_length(t) - 1) as i
        ) pairs where p ~ '^[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2}$'), '{}'::text[]) end
    $fn$`.execute(db);
  await sql`
    create index if not exists messages_search_cjk on messages
    using gin (parley_cjk_pairs(text))
    where deleted_at is null and kind = 'user'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    for (const trigger of ['message_search_insert', 'message_search_update', 'message_search_delete']) {
      await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
    }
    await sql`drop table if exists message_search_pending`.execute(db);
    await sql`drop table if exists message_search_vocab`.execute(db);
    await sql`drop table if exists message_search_backfill`.execute(db);
    await sql`drop table if exists message_search`.execute(db);
    return;
  }
  await sql`drop index if exists messages_search`.execute(db);
  await sql`drop index if exists messages_search_cjk`.execute(db);
  await sql`drop function if exists parley_cjk_pairs(text)`.execute(db);
  await sql`drop function if exists parley_search_text(text)`.execute(db);
}
