/**
 * The search box's query language (issue 18), parsed without I/O: words (all must match),
 * `"quoted phrases"`, `-word` / `-"phrase"` exclusions, and the filters `in:#room`,
 * `from:@user`, `has:file|image|link`, `before:` / `after:` / `on:` dates and `is:mention`.
 *
 * Every text term is a substring the store looks for (store/search.ts); the trigram indexes
 * behind it serve 3 characters or more, so a shorter term is refused here with a message
 * rather than turned into a scan of every message. The one exception is a 2-character term
 * written only in a script without spaces (Chinese, Japanese, Korean), where two characters
 * are a whole word: the store finds those through indexes of their own (store/search.ts).
 */

export const SEARCH_MIN_CHARS = 3;
export const SEARCH_MIN_CJK_CHARS = 2;
/**
 * Bounds on one query, so no query costs the database much more than an ordinary one: each
 * term and exclusion is a pass over the index (SQLite runs queries on the server's one
 * thread), and a long term is a long list of trigrams that must all be intersected.
 */
export const SEARCH_MAX_TERMS = 8;
export const SEARCH_MAX_EXCLUDED = 4;
export const SEARCH_MAX_TERM_CHARS = 64;

export type SearchHas = 'file' | 'image' | 'link';
const HAS_VALUES: readonly SearchHas[] = ['file', 'image', 'link'];

export interface SearchQuery {
  /** Normalised substrings that must all appear: words and phrases alike. */
  terms: string[];
  /** Normalised substrings that must not appear. */
  excluded: string[];
  /** Room names from `in:`, without `#`, lower-cased; a message in any of them matches. */
  rooms: string[];
  /** Usernames from `from:`, without `@`, lower-cased; a message by any of them matches. */
  authors: string[];
  /** Every one must hold. */
  has: SearchHas[];
  /** Calendar days as typed (YYYY-MM-DD); the caller turns them into instants in the user's zone. */
  before?: string | undefined;
  after?: string | undefined;
  on?: string | undefined;
  isMention: boolean;
}

export type SearchQueryError =
  | { reason: 'empty'; message: string }
  | { reason: 'too_short'; message: string; term: string }
  | { reason: 'bad_filter'; message: string; term: string };

export type ParsedSearch = { ok: true; query: SearchQuery } | ({ ok: false } & SearchQueryError);

/**
 * Letters whose diacritics both indexes fold away. SQLite's remove_diacritics folds Latin only
 * (measured: `ωμεγα` does not find `Ωμέγα`, `иогурт` not `йогурт`); unaccent folds more, but it
 * also folds the query on PostgreSQL, so what is folded here must be what both fold.
 */
const FOLDED_SCRIPT = /\p{Script=Latin}/u;
const MARK = /\p{M}/u;
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー]+$/u;

/**
 * Lower case, accents off, as the indexes fold text: `Café` → `cafe`. Marks are dropped only
 * after Latin letters, and only canonical decomposition is used (NFD, not
 * NFKD): a Japanese が must stay が, and `ﬁ` must stay `ﬁ`, because the SQLite index keeps them
 * as written — folding the query further than the index folds the text would lose matches.
 */
export function normaliseSearchText(text: string): string {
  return foldSearchText(text).replace(/\s+/gu, ' ').trim();
}

const ASCII = /^\p{ASCII}*$/u;

/**
 * The fold alone, spaces kept as they are: what a message's text is compared with where the
 * search reads texts instead of the index (store/search.ts, a narrow `in:`/`from:` scope), so
 * that a term matches there exactly where the index would have it match. ASCII, most chat,
 * has nothing to decompose and takes the short way.
 */
export function foldSearchText(text: string): string {
  if (ASCII.test(text)) return text.toLowerCase();
  let out = '';
  let foldMarks = false;
  for (const char of text.normalize('NFD')) {
    if (MARK.test(char)) {
      if (!foldMarks) out += char;
      continue;
    }
    foldMarks = FOLDED_SCRIPT.test(char);
    out += char;
  }
  return out.normalize('NFC').toLowerCase();
}

/** Length in code points, as the trigram tokenizers count characters. */
export const codePoints = (text: string) => [...text].length;

/** Whether the indexes can serve this term: 3+ characters, or 2 of CJK. */
export function searchableTerm(term: string): boolean {
  const length = codePoints(term);
  return length >= SEARCH_MIN_CHARS || (length >= SEARCH_MIN_CJK_CHARS && CJK.test(term));
}

/** A term the trigram index can match directly (the 2-character CJK ones cannot). */
export const indexableTerm = (term: string) => codePoints(term) >= SEARCH_MIN_CHARS;

interface Token {
  text: string;
  quoted: boolean;
  negated: boolean;
}

/** Splits on whitespace; `"…"` keeps its spaces (an unclosed quote runs to the end). */
function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const chars = [...input];
  while (i < chars.length) {
    while (i < chars.length && /\s/u.test(chars[i]!)) i++;
    if (i >= chars.length) break;
    let negated = false;
    if (chars[i] === '-' && chars[i + 1] !== undefined && !/\s/u.test(chars[i + 1]!)) {
      negated = true;
      i++;
    }
    if (chars[i] === '"') {
      const end = chars.indexOf('"', i + 1);
      const stop = end === -1 ? chars.length : end;
      tokens.push({ text: chars.slice(i + 1, stop).join(''), quoted: true, negated });
      i = stop + 1;
      continue;
    }
    const start = i;
    while (i < chars.length && !/\s/u.test(chars[i]!)) i++;
    tokens.push({ text: chars.slice(start, i).join(''), quoted: false, negated });
  }
  return tokens;
}

const FILTER = /^(in|from|has|before|after|on|is):(.*)$/iu;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/u;

function validDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const tooShort = (term: string): SearchQueryError => ({
  reason: 'too_short',
  term,
  message: `search needs at least ${SEARCH_MIN_CHARS} characters in each word (2 for Chinese, Japanese or Korean): “${term}” is too short`,
});

const badFilter = (term: string, message: string): SearchQueryError => ({
  reason: 'bad_filter',
  term,
  message,
});

export function parseSearchQuery(input: string): ParsedSearch {
  const query: SearchQuery = { terms: [], excluded: [], rooms: [], authors: [], has: [], isMention: false };
  const fail = (error: SearchQueryError): ParsedSearch => ({ ok: false, ...error });
  for (const token of tokenize(input)) {
    const filter = token.quoted || token.negated ? null : FILTER.exec(token.text);
    if (filter) {
      const key = filter[1]!.toLowerCase();
      const value = filter[2]!;
      const error = applyFilter(query, key, value, token.text);
      if (error) return fail(error);
      continue;
    }
    const term = normaliseSearchText(token.text);
    if (term === '') continue;
    if (!searchableTerm(term)) return fail(tooShort(token.text.trim()));
    if (codePoints(term) > SEARCH_MAX_TERM_CHARS) {
      return fail(
        badFilter(token.text, `a word or phrase can be at most ${SEARCH_MAX_TERM_CHARS} characters long`),
      );
    }
    const list = token.negated ? query.excluded : query.terms;
    if (!list.includes(term)) list.push(term);
  }
  if (query.terms.length > SEARCH_MAX_TERMS) {
    return fail(badFilter(input, `search for at most ${SEARCH_MAX_TERMS} words and phrases at once`));
  }
  if (query.excluded.length > SEARCH_MAX_EXCLUDED) {
    return fail(badFilter(input, `leave out at most ${SEARCH_MAX_EXCLUDED} words at once`));
  }
  const narrowed =
    query.terms.length > 0 ||
    query.rooms.length > 0 ||
    query.authors.length > 0 ||
    query.has.length > 0 ||
    query.isMention ||
    query.before !== undefined ||
    query.after !== undefined ||
    query.on !== undefined;
  if (!narrowed) {
    return fail({
      reason: 'empty',
      message:
        query.excluded.length > 0
          ? 'search needs something to look for, not only words to leave out'
          : 'type something to search for',
    });
  }
  return { ok: true, query };
}

function applyFilter(query: SearchQuery, key: string, value: string, raw: string): SearchQueryError | null {
  switch (key) {
    case 'in': {
      const name = value.replace(/^#/u, '').toLowerCase();
      if (!name) return badFilter(raw, 'in: needs a room name, like in:#general');
      query.rooms.push(name);
      return null;
    }
    case 'from': {
      const name = value.replace(/^@/u, '').toLowerCase();
      if (!name) return badFilter(raw, 'from: needs a username, like from:@alice');
      query.authors.push(name);
      return null;
    }
    case 'has': {
      const what = value.toLowerCase() as SearchHas;
      if (!HAS_VALUES.includes(what)) return badFilter(raw, 'has: takes file, image or link');
      if (!query.has.includes(what)) query.has.push(what);
      return null;
    }
    case 'is':
      if (value.toLowerCase() !== 'mention') return badFilter(raw, 'is: takes mention');
      query.isMention = true;
      return null;
    default: {
      // before, after, on
      if (!validDay(value)) return badFilter(raw, `${key}: takes a date like ${key}:2024-05-31`);
      query[key as 'before' | 'after' | 'on'] = value;
      return null;
    }
  }
}
