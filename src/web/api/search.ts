import type { SearchResults } from '../../shared/entities.js';
import type { SearchQuery } from '../../shared/schemas.js';
import { requestJson } from './auth.js';

/** What a search asks for: the typed query, and the filters picked in the UI (all optional). */
export type SearchParams = { q: string } & Partial<Omit<SearchQuery, 'q'>>;

/** The query string of GET /api/search: only the parameters that are set. */
export function searchPath(params: SearchParams): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    query.set(key, String(value));
  }
  return `/api/search?${query.toString()}`;
}

/**
 * Searches the messages the user may read (GET /api/search). A refusal throws an AuthError
 * with the server's sentence (a query too short to search: code `bad_request`, field `q`);
 * `signal` aborts a search that a newer one replaced.
 */
export function searchMessages(params: SearchParams, signal?: AbortSignal): Promise<SearchResults> {
  return requestJson('GET', searchPath(params), undefined, signal) as Promise<SearchResults>;
}
