import { useEffect, useState } from 'react';
import { AuthError } from '../../api/auth.js';

/** What a refused or failed admin request says, as a sentence for the panel's status line. */
export const messageOf = (error: unknown) =>
  error instanceof AuthError ? error.message : 'Could not reach the server';

/**
 * A searchable admin list (people, rooms): what is typed is asked for a moment after the
 * typing stops; `status` is the panel's one-line report (a refusal, or what an action did).
 */
export function useAdminList<T>(load: (query: string) => Promise<T[]>) {
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<T[] | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      load(query).then(
        (list) => current && setItems(list),
        (error: unknown) => current && setStatus(messageOf(error)),
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, load]);
  return { query, setQuery, items, setItems, status, setStatus };
}
