import { useRef, useSyncExternalStore } from 'react';
import type { ChatState } from '../state/store.js';
import { useChatClient } from './ChatContext.js';

/**
 * The part of the chat state a component shows. The component re-renders only when what the
 * selector returns changes — by identity, or by `isEqual` for a selector that builds a new
 * array or map each time — so a typing notice does not re-render what shows messages.
 *
 * The selection is cached against the state and the selector it came from: React asks for the
 * snapshot several times per render and needs the same answer each time, and after a store
 * change an equal answer hands back the previous value, which tells React nothing changed.
 */
export function useChatSelector<T>(
  selector: (state: ChatState) => T,
  isEqual: (a: T, b: T) => boolean = Object.is,
): T {
  const client = useChatClient();
  const last = useRef<{ state: ChatState; selector: (state: ChatState) => T; value: T } | null>(null);
  const getSnapshot = (): T => {
    const state = client.getState();
    const cached = last.current;
    if (cached && cached.state === state && cached.selector === selector) return cached.value;
    const value = selector(state);
    const kept = cached && isEqual(cached.value, value) ? cached.value : value;
    last.current = { state, selector, value: kept };
    return kept;
  };
  return useSyncExternalStore(client.subscribe, getSnapshot);
}

/** Same items in the same order. */
export function sameItems<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((item, i) => Object.is(item, b[i]));
}

/** Same keys with the same values. */
export function sameEntries<K, V>(
  a: ReadonlyMap<K, V> | undefined,
  b: ReadonlyMap<K, V> | undefined,
): boolean {
  if (a === b) return true;
  if (!a || !b || a.size !== b.size) return false;
  for (const [key, value] of a) if (!b.has(key) || !Object.is(b.get(key), value)) return false;
  return true;
}
