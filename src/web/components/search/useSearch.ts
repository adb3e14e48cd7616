import { useCallback, useEffect, useRef, useState } from 'react';
import type { SearchHit } from '../../../shared/entities.js';
import { AuthError } from '../../api/auth.js';
import { type SearchParams, searchMessages } from '../../api/search.js';
import { recentSearches, rememberSearch } from '../../lib/recent-searches.js';

/** The filters picked in the panel; they count together with the ones typed in the query. */
export interface SearchFilters {
  room: string | null;
  from: { id: string; username: string } | null;
  has: 'file' | 'image' | 'link' | null;
  after: string;
  before: string;
  mentions: boolean;
  order: 'newest' | 'relevance';
  publicChannels: boolean;
}

export const NO_FILTERS: SearchFilters = {
  room: null,
  from: null,
  has: null,
  after: '',
  before: '',
  mentions: false,
  order: 'newest',
  publicChannels: false,
};

export interface SearchOutcome {
  /** The query these results are for. */
  query: string;
  hits: SearchHit[];
  total: number;
  totalCapped: boolean;
  nextCursor: string | null;
  highlight: string[];
}

export interface SearchState {
  /** What the field holds. */
  text: string;
  filters: SearchFilters;
  status: 'idle' | 'loading' | 'done' | 'error';
  outcome: SearchOutcome | null;
  /** The server's sentence (a query too short), or why the search failed. */
  error: string | null;
  loadingMore: boolean;
  recent: string[];
}

/** Minutes east of UTC here: what the server takes `before:` and `on:` days to mean. */
const timezone = () => -new Date().getTimezoneOffset();

export function searchParams(query: string, filters: SearchFilters, cursor?: string): SearchParams {
  const q = filters.mentions && !/(^|\s)is:mention\b/i.test(query) ? `${query} is:mention`.trim() : query;
  return {
    q,
    ...(filters.room ? { room: filters.room } : {}),
    ...(filters.from ? { from: filters.from.id } : {}),
    ...(filters.has ? { has: filters.has } : {}),
    ...(filters.after ? { after: filters.after } : {}),
    ...(filters.before ? { before: filters.before } : {}),
    tz: timezone(),
    order: filters.order,
    publicChannels: filters.publicChannels ? '1' : '0',
    ...(cursor ? { cursor } : {}),
  };
}

const failure = (error: unknown) =>
  error instanceof AuthError ? error.message : 'Search failed: check your connection and try again.';
const aborted = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';

/**
 * The search panel's state. It lives in the chat layout, above the panel, so closing the
 * panel (on a phone, jumping to a result does) and opening it again shows the same results.
 */
export function useSearch(storage: Storage, userId: string) {
  const [state, setState] = useState<SearchState>(() => ({
    text: '',
    filters: NO_FILTERS,
    status: 'idle',
    outcome: null,
    error: null,
    loadingMore: false,
    recent: recentSearches(storage, userId),
  }));
  const latest = useRef(state);
  latest.current = state;
  const running = useRef<AbortController | null>(null);
  useEffect(() => () => running.current?.abort(), []);

  const run = useCallback(
    async (query: string, filters: SearchFilters) => {
      running.current?.abort();
      const q = query.trim();
      const wanted = q || filters.mentions;
      if (!wanted) {
        running.current = null;
        setState((s) => ({ ...s, status: 'idle', outcome: null, error: null, loadingMore: false }));
        return;
      }
      const controller = new AbortController();
      running.current = controller;
      setState((s) => ({ ...s, status: 'loading', error: null, loadingMore: false }));
      try {
        const results = await searchMessages(searchParams(q, filters), controller.signal);
        if (controller.signal.aborted) return;
        const recent = q ? rememberSearch(storage, userId, q) : latest.current.recent;
        setState((s) => ({ ...s, status: 'done', outcome: { query: q, ...results }, recent }));
      } catch (error) {
        if (aborted(error) || controller.signal.aborted) return;
        setState((s) => ({ ...s, status: 'error', outcome: null, error: failure(error) }));
      }
    },
    [storage, userId],
  );

  /** Searches for what the field holds (or `text`, a recent search picked). */
  const search = useCallback(
    (text?: string) => {
      const query = text ?? latest.current.text;
      if (text !== undefined) setState((s) => ({ ...s, text }));
      void run(query, latest.current.filters);
    },
    [run],
  );

  const setText = useCallback((text: string) => {
    setState((s) => ({
      ...s,
      text,
      // An emptied field shows the recent searches again.
      ...(text.trim() === '' ? { status: 'idle', outcome: null, error: null } : {}),
    }));
    if (text.trim() === '') running.current?.abort();
  }, []);

  /** A filter picked: searches again at once when there is something to search for. */
  const setFilters = useCallback(
    (change: Partial<SearchFilters>) => {
      const filters = { ...latest.current.filters, ...change };
      setState((s) => ({ ...s, filters }));
      if (latest.current.text.trim() || filters.mentions) void run(latest.current.text, filters);
    },
    [run],
  );

  const loadMore = useCallback(async () => {
    const { outcome, filters, loadingMore } = latest.current;
    if (!outcome?.nextCursor || loadingMore) return;
    const controller = new AbortController();
    running.current = controller;
    setState((s) => ({ ...s, loadingMore: true }));
    try {
      const more = await searchMessages(
        searchParams(outcome.query, filters, outcome.nextCursor),
        controller.signal,
      );
      if (controller.signal.aborted) return;
      setState((s) =>
        s.outcome === outcome
          ? {
              ...s,
              loadingMore: false,
              outcome: {
                ...outcome,
                // A message that moved between pages (a newer one arrived) shows once.
                hits: [
                  ...outcome.hits,
                  ...more.hits.filter((hit) => !outcome.hits.some((h) => h.message.id === hit.message.id)),
                ],
                nextCursor: more.nextCursor,
              },
            }
          : s,
      );
    } catch (error) {
      if (aborted(error) || controller.signal.aborted) return;
      setState((s) => ({ ...s, loadingMore: false, status: 'error', error: failure(error) }));
    }
  }, []);

  /** A channel joined from a result: its hits are now the user's own room's. */
  const markJoined = useCallback((roomId: string) => {
    setState((s) =>
      s.outcome
        ? {
            ...s,
            outcome: {
              ...s.outcome,
              hits: s.outcome.hits.map((hit) =>
                hit.room.id === roomId ? { ...hit, room: { ...hit.room, joined: true } } : hit,
              ),
            },
          }
        : s,
    );
  }, []);

  return { state, search, setText, setFilters, loadMore, markJoined };
}

export type SearchControls = ReturnType<typeof useSearch>;
