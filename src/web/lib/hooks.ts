import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ChatClient, ChatState } from '../state/client.js';

export function useChat(client: ChatClient): ChatState {
  return useSyncExternalStore(client.subscribe, client.getState);
}

/** Re-renders every `ms` so relative times ("3 min ago") stay true. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setMatches(list.matches);
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}
