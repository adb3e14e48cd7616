import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * Search within a narrow scope (issue 18, store/search.ts): `in:#room`, `from:@user` or both.
 * The trigram index hands out every message holding a term, in every room; when the scope
 * holds a few hundred of them, going through all of a common word's matches to find them
 * costs ~100 ms at a million messages. This index lists a room's live user messages by
 * author, so the scope itself is read (on SQLite the rowid rides along in the index, on
 * PostgreSQL the id is its last column, both in the order results are returned) and counted
 * before the search decides which of the two to walk.
 *
 * Partial, like the search indexes: system lines and deleted messages are never found.
 * Building it over a million messages takes ~3.5 s on SQLite at the first start after the
 * upgrade (measured on this project's benchmark corpus).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await sql`
    create index if not exists messages_search_scope on messages
    (room_id, author_id${sqlite ? sql`` : sql`, id`})
    where kind = 'user' and deleted_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists messages_search_scope`.execute(db);
}
