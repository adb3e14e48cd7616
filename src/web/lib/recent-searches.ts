import { recentSearchesKey } from '../state/local-data.js';

/**
 * The user's last searches, newest first, in the browser's storage under their id (so two
 * people sharing a browser keep their own; signing out forgets them: state/local-data.ts).
 */
export const MAX_RECENT_SEARCHES = 10;

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function recentSearches(storage: Store, userId: string): string[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(recentSearchesKey(userId)) ?? '[]');
    return Array.isArray(parsed)
      ? parsed
          .filter((q): q is string => typeof q === 'string' && q.trim() !== '')
          .slice(0, MAX_RECENT_SEARCHES)
      : [];
  } catch {
    // Storage disabled, or something else's value: no recent searches.
    return [];
  }
}

/** Puts a search first (once: the same query typed again moves up) and keeps the last ten. */
export function rememberSearch(storage: Store, userId: string, query: string): string[] {
  const q = query.trim();
  if (!q) return recentSearches(storage, userId);
  const list = [q, ...recentSearches(storage, userId).filter((other) => other !== q)].slice(
    0,
    MAX_RECENT_SEARCHES,
  );
  try {
    storage.setItem(recentSearchesKey(userId), JSON.stringify(list));
  } catch {
    // Storage full or disabled: remembered for this page only.
  }
  return list;
}

export function forgetSearches(storage: Store, userId: string): void {
  try {
    storage.removeItem(recentSearchesKey(userId));
  } catch {
    // Nothing was stored either.
  }
}
