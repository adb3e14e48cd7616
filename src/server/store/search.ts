import { PostgresAdapter, type RawBuilder, sql } from 'kysely';
import { rankByRelevance } from '../domain/search-relevance.js';
import type { Executor } from './executor.js';
import { type MessageRow, messagesByIds } from './messages.js';

/**
 * Message search (issue 18): every message the user may read that holds all the terms, newest
 * first, a page at a time. Who may read what is decided inside the query — a join on the
 * user's memberships (and, if asked, the public channels) — never by filtering a page
 * afterwards, which would leak counts and break the cursor.
 *
 * Terms are normalised substrings (domain/search-query.ts). Those of 3+ characters are served
 * by the trigram index of migration 014: FTS5 MATCH on SQLite, LIKE on the folded text on
 * PostgreSQL (pg_trgm's GIN index). Two-character CJK words are served too: on SQLite as the
 * indexed trigrams that begin with them (`withShortTrigrams`), on PostgreSQL by the GIN index
 * of parley_cjk_pairs. A query made only of filters looks through the `SHORT_QUERY_WINDOW`
 * newest messages the user may read that pass them, a bounded scan.
 *
 * User text only ever travels as bound parameters. The FTS5 query is itself a parameter,
 * built here with each term as an FTS5 string (double quotes doubled), so no term can carry
 * operators or column filters.
 */

export const SEARCH_COUNT_CAP = 1000;
/** How many recent readable messages a query without an indexable term looks through. */
export const SHORT_QUERY_WINDOW = 20_000;

export type SearchHas = 'file' | 'image' | 'link';

export interface MessageSearch {
  userId: string;
  /** Normalised substrings, all required. */
  terms: readonly string[];
  /** Normalised substrings, none allowed. */
  excluded?: readonly string[] | undefined;
  /** Only these rooms (any of them). */
  roomIds?: readonly string[] | undefined;
  /** Only messages by these users (any of them). */
  authorIds?: readonly string[] | undefined;
  has?: readonly SearchHas[] | undefined;
  /** created_at < before, ms. */
  before?: number | undefined;
  /** created_at >= after, ms. */
  after?: number | undefined;
  /** Only messages holding `@username` (any case). */
  mentionOf?: string | undefined;
  /** Also public channels the user has not joined (never those they are banned from). */
  includePublicChannels?: boolean | undefined;
  /**
   * 'newest' (the default) or 'relevance': the SEARCH_COUNT_CAP newest matches, ranked by
   * domain/search-relevance.ts.
   */
  order?: 'newest' | 'relevance' | undefined;
  /**
   * SQLite: the most messages an `in:`/`from:` scope may hold to be read instead of the
   * index (NARROW_SCOPE_MAX unless given). The store tests run their table both ways with it.
   */
  narrowScopeMax?: number | undefined;
  /** Newest first: the id of the last message of the previous page. By relevance: how many came before. */
  cursor?: string | undefined;
  limit: number;
}

export interface SearchPage {
  rows: MessageRow[];
  /** Matches, counted up to SEARCH_COUNT_CAP; null on pages after the first. */
  total: number | null;
  /** More than SEARCH_COUNT_CAP matched: show "1,000+". */
  totalCapped: boolean;
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

const codePoints = (text: string) => [...text].length;
const indexable = (term: string) => codePoints(term) >= 3;

/** An FTS5 string: the whole term as one phrase, its double quotes doubled. */
const ftsString = (term: string) => `"${term.replaceAll('"', '""')}"`;

/**
 * `is:mention`: `@name` as a whole name — not the start of a longer one (`@bob` in `@bobby` or
 * `@bob.smith`). The plan's `@name` term finds candidates through the index; this keeps those
 * where the name ends there. Names hold letters, digits, marks, `_`, `.` and `-`, never at
 * their end (shared/names.ts), so nothing in one is a GLOB or regex operator but `.`.
 */
function mentionCondition(name: string, postgres: boolean): RawBuilder<unknown> {
  const at = `@${name.toLowerCase()}`;
  if (postgres) {
    const pattern = `${at.replaceAll('.', '\\.')}(?![[:alnum:]_]|[.-][[:alnum:]_])`;
    return sql`lower(m.text) ~ ${pattern}`;
  }
  // SQLite has no regex: the name at the end, or followed by something no name continues with.
  return sql`(lower(m.text) glob ${`*${at}`} or lower(m.text) glob ${`*${at}[^a-z0-9_.-]*`}
    or lower(m.text) glob ${`*${at}[.-]`} or lower(m.text) glob ${`*${at}[.-][^a-z0-9_]*`})`;
}

interface Plan {
  required: string[];
  excluded: string[];
  /** At least one of these must appear (has:link). */
  anyOf: string[];
  /**
   * SQLite: for each term too short for trigrams (a two-character CJK word), the indexed
   * trigrams that begin with it — a message holds the word exactly when it holds one of them.
   * Absent for a term with more than SHORT_TERM_TRIGRAMS_MAX of them (found by scanning instead).
   */
  shortTrigrams: Map<string, string[]>;
  /**
   * SQLite: the scope (`in:`, `from:`) holds at most NARROW_SCOPE_MAX messages, so they are
   * read and their texts compared (sqliteNarrow) instead of walking the index's matches.
   */
  narrow: boolean;
}

/** Trigrams a short term may expand to before it is looked for by scanning recent messages. */
const SHORT_TERM_TRIGRAMS_MAX = 2_000;

/**
 * SQLite: the trigrams of the index that begin with each short term (message_search_vocab's
 * terms, a range read). Texts are indexed with a space after them, so a word at the very end
 * of a message begins one too.
 */
async function withShortTrigrams(db: Executor, plan: Plan): Promise<Plan> {
  for (const term of [...plan.required, ...plan.excluded].filter((t) => !indexable(t))) {
    const found = await sql<{ term: string }>`
      select term from message_search_vocab
      where term >= ${term} and term < ${term} || char(1114111)
      limit ${SHORT_TERM_TRIGRAMS_MAX + 1}`.execute(db);
    if (found.rows.length <= SHORT_TERM_TRIGRAMS_MAX) {
      plan.shortTrigrams.set(
        term,
        found.rows.map((row) => row.term),
      );
    }
  }
  return plan;
}

function planOf(search: MessageSearch): Plan {
  const required = [...search.terms];
  if (search.mentionOf) required.push(`@${search.mentionOf.toLowerCase()}`);
  return {
    required,
    excluded: [...(search.excluded ?? [])],
    anyOf: search.has?.includes('link') ? ['http://', 'https://'] : [],
    shortTrigrams: new Map(),
    narrow: false,
  };
}

/**
 * The most messages a scope may hold for SQLite to read them rather than the index. Reading
 * one costs ~1 µs in the scope index and its text's fold (measured: 633 messages of one
 * author in one room, ~2 ms); walking a common word's matches to find the scope's among them
 * costs ~100 ms at a million messages, whatever the scope (docs/performance.md, "Search").
 */
export const NARROW_SCOPE_MAX = 5_000;

/**
 * SQLite: whether the `in:`/`from:` scope is narrow, counted in the scope index alone and
 * only up to one past the limit, so a wide scope costs at most that many index entries.
 */
async function isNarrow(db: Executor, search: MessageSearch): Promise<boolean> {
  const max = search.narrowScopeMax ?? NARROW_SCOPE_MAX;
  if ((!search.roomIds && !search.authorIds) || max <= 0) return false;
  const counted = await sql<{ n: number }>`
    select count(*) as n from (
      select 1 from messages m indexed by messages_search_scope
      where ${and(readableOf(search))} limit ${max + 1})`.execute(db);
  return Number(counted.rows[0]!.n) <= max;
}

/** The plan for this database: on SQLite with the short terms' trigrams looked up. */
async function planFor(db: Executor, search: MessageSearch, postgres: boolean): Promise<Plan> {
  if (postgres) return planOf(search);
  const plan = planOf(search);
  plan.narrow = await isNarrow(db, search);
  // A narrow scope compares whole texts: the short terms' trigrams are not needed.
  return plan.narrow ? plan : withShortTrigrams(db, plan);
}

/**
 * What the user may read, in rooms and by authors as asked: conditions on the columns of
 * messages_search_scope alone (migration 015), so that counting a narrow scope reads only it.
 * The public channels are a union, not an OR, which would keep that index from serving it.
 */
function readableOf(search: MessageSearch): RawBuilder<unknown>[] {
  const { userId } = search;
  const conditions: RawBuilder<unknown>[] = [
    sql`m.kind = 'user'`,
    sql`m.deleted_at is null`,
    search.includePublicChannels
      ? sql`m.room_id in (select rm.room_id from room_members rm where rm.user_id = ${userId}
            union select r.id from rooms r where r.kind = 'channel' and r.archived_at is null)`
      : sql`m.room_id in (select rm.room_id from room_members rm where rm.user_id = ${userId})`,
    // A ban ends the membership too; this holds even where something left one behind.
    sql`m.room_id not in (select b.room_id from room_bans b where b.user_id = ${userId})`,
  ];
  if (search.roomIds) conditions.push(sql`m.room_id in (${sql.join(search.roomIds)})`);
  if (search.authorIds) conditions.push(sql`m.author_id in (${sql.join(search.authorIds)})`);
  return conditions;
}

/** What the user may read, and the filters that do not look at the text, for messages `m`. */
function scopeOf(search: MessageSearch): RawBuilder<unknown>[] {
  const conditions = readableOf(search);
  if (search.before !== undefined) conditions.push(sql`m.created_at < ${search.before}`);
  if (search.after !== undefined) conditions.push(sql`m.created_at >= ${search.after}`);
  if (search.has?.includes('image')) {
    conditions.push(
      sql`exists (select 1 from uploads u where u.message_id = m.id and u.kind = 'image' and u.removed_at is null)`,
    );
  }
  if (search.has?.includes('file')) {
    conditions.push(sql`exists (select 1 from uploads u where u.message_id = m.id and u.removed_at is null)`);
  }
  return conditions;
}

const and = (conditions: RawBuilder<unknown>[]) =>
  conditions.length === 0 ? sql`1 = 1` : sql.join(conditions, sql` and `);

/**
 * The first page also counts: one run of the query takes up to SEARCH_COUNT_CAP + 1 ids, which
 * give both the count and the page, whose rows are then read by id. Later pages (a cursor)
 * take just their ids and leave `total` null: the client keeps the first page's.
 */
export async function searchMessages(db: Executor, search: MessageSearch): Promise<SearchPage> {
  if (search.roomIds?.length === 0 || search.authorIds?.length === 0) {
    return { rows: [], total: 0, totalCapped: false, nextCursor: null };
  }
  const onPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const dialect = onPostgres ? postgres : sqlite;
  const plan = await planFor(db, search, onPostgres);
  // A required short word no indexed trigram begins with is in no message.
  if (
    [...plan.shortTrigrams].some(([term, trigrams]) => trigrams.length === 0 && plan.required.includes(term))
  ) {
    return { rows: [], total: search.cursor ? null : 0, totalCapped: false, nextCursor: null };
  }
  if (search.order === 'relevance') return byRelevance(db, search, dialect, plan);
  const counting = !search.cursor;
  const take = counting ? Math.max(SEARCH_COUNT_CAP + 1, search.limit + 1) : search.limit + 1;
  const found = await dialect(search, plan, take).execute(db);
  const ids = (found.rows as { id: string }[]).map((row) => row.id);
  const pageIds = ids.slice(0, search.limit);
  const byId = new Map((await messagesByIds(db, pageIds)).map((row) => [row.id, row]));
  return {
    rows: pageIds.map((id) => byId.get(id)!),
    total: counting ? Math.min(ids.length, SEARCH_COUNT_CAP) : null,
    totalCapped: counting && ids.length > SEARCH_COUNT_CAP,
    nextCursor: ids.length > search.limit ? pageIds[pageIds.length - 1]! : null,
  };
}

/**
 * By relevance: every page ranks the same SEARCH_COUNT_CAP newest matches (a bounded read:
 * ids and texts) and takes its slice, so pages neither repeat nor skip while nothing changes.
 */
async function byRelevance(
  db: Executor,
  search: MessageSearch,
  dialect: DialectQuery,
  plan: Plan,
): Promise<SearchPage> {
  const offset = search.cursor ? Number(search.cursor) : 0;
  const found = await dialect({ ...search, cursor: undefined }, plan, SEARCH_COUNT_CAP + 1, true).execute(db);
  const matches = (found.rows as { id: string; text: string }[]).slice(0, SEARCH_COUNT_CAP);
  const pageIds = rankByRelevance(matches, plan.required)
    .slice(offset, offset + search.limit)
    .map((row) => row.id);
  const byId = new Map((await messagesByIds(db, pageIds)).map((row) => [row.id, row]));
  return {
    rows: pageIds.map((id) => byId.get(id)!),
    total: Math.min(found.rows.length, SEARCH_COUNT_CAP),
    totalCapped: found.rows.length > SEARCH_COUNT_CAP,
    nextCursor: offset + search.limit < matches.length ? String(offset + search.limit) : null,
  };
}

/** The matches (id and text), newest first, at most `limit`, after the cursor if there is one. */
type DialectQuery = (
  search: MessageSearch,
  plan: Plan,
  limit: number,
  /** The texts too (ranking needs them; counting does not, and reads less without). */
  withText?: boolean,
) => RawBuilder<unknown>;

/**
 * SQLite: FTS5 MATCH drives the query when any term is indexable — the trigram table hands
 * out rowids newest first (ORDER BY rowid DESC is native to FTS5), each joined to its message
 * and kept if the user may read it, until the page is full. Rowids follow insertion order,
 * which is id order but for messages written in the same millisecond.
 */
const sqlite: DialectQuery = (search, plan, limit, withText = false) => {
  if (plan.narrow) return sqliteNarrow(search, plan, limit, withText);
  const columns = withText ? sql`m.id, m.text` : sql`m.id`;
  // A short term with its trigrams known is one FTS5 alternative of them; without (too many
  // begin with it), it is looked for by scanning the recent window.
  const expanded = (term: string) => {
    const trigrams = plan.shortTrigrams.get(term);
    return trigrams ? `(${trigrams.map(ftsString).join(' OR ')})` : undefined;
  };
  const scanned = (term: string) => !indexable(term) && !plan.shortTrigrams.has(term);
  const required = [
    ...plan.required.filter(indexable).map(ftsString),
    ...plan.required.map(expanded).filter((group) => group !== undefined),
  ];
  const excluded = [
    ...plan.excluded.filter(indexable).map(ftsString),
    ...plan.excluded.map(expanded).filter((group): group is string => group !== undefined && group !== '()'),
  ];
  const textConditions: RawBuilder<unknown>[] = [
    ...(search.mentionOf ? [mentionCondition(search.mentionOf, false)] : []),
    ...plan.required.filter(scanned).map((t) => sql`instr(lower(m.text), ${t}) > 0`),
    ...plan.excluded.filter(scanned).map((t) => sql`instr(lower(m.text), ${t}) = 0`),
  ];
  const cursor = (key: RawBuilder<unknown>) => sqliteAfterCursor(search, key);
  const positives = [
    ...required,
    ...(plan.anyOf.length > 0 ? [`(${plan.anyOf.map(ftsString).join(' OR ')})`] : []),
  ];
  if (positives.length > 0) {
    const match = [`(${positives.join(' AND ')})`, ...excluded].join(' NOT ');
    return sql`
      select ${columns} from message_search s join messages m on m.rowid = s.rowid
      where s.message_search match ${match}
        and ${and([...scopeOf(search), ...cursor(sql`s.rowid`), ...textConditions])}
      order by s.rowid desc limit ${limit}`;
  }
  if (excluded.length > 0) {
    textConditions.push(
      sql`m.k not in (select x.rowid from message_search x where x.message_search match ${excluded.join(' OR ')})`,
    );
  }
  return sql`
    with recent as (
      select m.rowid as k, m.id, m.text from messages m
      where ${and([...scopeOf(search), ...cursor(sql`m.rowid`)])}
      order by m.rowid desc limit ${SHORT_QUERY_WINDOW}
    )
    select ${columns} from recent m
    where ${and(textConditions)}
    order by m.k desc limit ${limit}`;
};

/** SQLite: rows older than the cursor's message, by `key` (a rowid). */
const sqliteAfterCursor = (search: MessageSearch, key: RawBuilder<unknown>) =>
  search.cursor ? [sql`${key} < (select c.rowid from messages c where c.id = ${search.cursor})`] : [];

/**
 * SQLite, a narrow scope: its messages read newest first from the scope index, each text
 * folded as the index folds it (domain/search-query.ts foldSearchText, registered as
 * parley_search_fold) and searched for the terms, which are folded the same way already.
 * For what the store test's matching table covers (case, Latin accents, phrases, CJK words of
 * two characters and more) both ways find the same messages; a letter FTS5's fold treats
 * otherwise than the query's fold (docs/search.md, "Known gaps") can differ between them.
 */
const sqliteNarrow: DialectQuery = (search, plan, limit, withText = false) => {
  const columns = withText ? sql`m.id, m.text` : sql`m.id`;
  const holds = (term: string) => sql`instr(parley_search_fold(m.text), ${term}) > 0`;
  const conditions = [
    ...scopeOf(search),
    ...sqliteAfterCursor(search, sql`m.rowid`),
    ...(search.mentionOf ? [mentionCondition(search.mentionOf, false)] : []),
    ...plan.required.map(holds),
    ...plan.excluded.map((term) => sql`not (${holds(term)})`),
    ...(plan.anyOf.length > 0 ? [sql`(${sql.join(plan.anyOf.map(holds), sql` or `)})`] : []),
  ];
  return sql`
    select ${columns} from messages m indexed by messages_search_scope
    where ${and(conditions)}
    order by m.rowid desc limit ${limit}`;
};

/**
 * PostgreSQL: LIKE on parley_search_text(text), the expression the GIN trigram index is built
 * on, with the term folded by the same function; the planner uses the index for terms of 3+
 * characters. Newest first by id (time-ordered), the cursor an id.
 */
const postgres: DialectQuery = (search, plan, limit, withText = false) => {
  const columns = withText ? sql`m.id, m.text` : sql`m.id`;
  const folded = sql`parley_search_text(m.text)`;
  // Folded first, escaped after: unaccent turns full-width ％ ＿ ＼ into the wildcards and the
  // escape themselves, so escaping before folding would let them through as patterns.
  const contains = (term: string) =>
    sql`${folded} like '%' || regexp_replace(parley_search_text(${term}), '([\\\\%_])', '\\\\\\1', 'g') || '%'`;
  // A two-character CJK word is a pair of parley_cjk_pairs(text), which its GIN index serves.
  const pairOf = (term: string) => sql`parley_cjk_pairs(m.text) @> array[${term}]::text[]`;
  const textConditions = [
    ...(search.mentionOf ? [mentionCondition(search.mentionOf, true)] : []),
    ...plan.required.map((t) => (indexable(t) ? contains(t) : pairOf(t))),
    ...plan.excluded.map((t) => sql`not (${indexable(t) ? contains(t) : pairOf(t)})`),
    ...(plan.anyOf.length > 0 ? [sql`(${sql.join(plan.anyOf.map(contains), sql` or `)})`] : []),
  ];
  const cursor = search.cursor ? [sql`m.id < ${search.cursor}`] : [];
  const indexed = plan.required.length > 0 || plan.anyOf.length > 0;
  if (indexed) {
    return sql`
      select ${columns} from messages m
      where ${and([...scopeOf(search), ...cursor, ...textConditions])}
      order by m.id desc limit ${limit}`;
  }
  return sql`
    select ${columns} from (
      select m.id, m.text from messages m
      where ${and([...scopeOf(search), ...cursor])}
      order by m.id desc limit ${SHORT_QUERY_WINDOW}
    ) m
    where ${and(textConditions)}
    order by m.id desc limit ${limit}`;
};
