import { type MouseEvent, useEffect, useSyncExternalStore } from 'react';

/**
 * On touch screens there is no hover: a tap on a message shows its actions (styles/phone.css
 * gives them a row under the message), a second tap or a tap anywhere else hides them. Taps on
 * what the message holds — links, buttons, images — do their own thing.
 *
 * An explicit state, not sticky :hover, because the list moves under the finger (it follows
 * grown rows to the bottom) and hover would jump to whichever message is now under the last
 * touch. Which message shows its actions is kept here, outside the row, because the list is
 * virtualized: a row scrolled out of range unmounts, and must come back as it was.
 */
let shownId: string | null = null;
const listeners = new Set<() => void>();

function show(id: string | null): void {
  if (shownId === id) return;
  shownId = id;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTapToShowActions(messageId: string) {
  const shown = useSyncExternalStore(subscribe, () => shownId === messageId);
  // A tap outside every message hides the actions. On click, not pointerdown: the row shrinks
  // as they hide, and the list moves — the tap must have found its target first.
  useEffect(() => {
    if (!shown) return;
    const onClick = (e: globalThis.MouseEvent) => {
      if (!(e.target as Element).closest?.('.message')) show(null);
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, [shown]);
  const onClick = (e: MouseEvent<HTMLElement>) => {
    // React bubbles clicks from portals (the reaction picker floats in one) through the tree:
    // only a tap on the message itself counts.
    if (!e.currentTarget.contains(e.target as Node)) return;
    if ((e.target as Element).closest('a, button, input, textarea, video, audio')) return;
    show(shown ? null : messageId);
  };
  return { shown, onClick };
}
