import { type KeyboardEvent, type RefObject, useCallback, useState } from 'react';
import type { SearchHit } from '../../../shared/entities.js';
import { SearchResultItem } from './SearchResultItem.js';

/**
 * The results as one tab stop (a roving tabindex, as the message list): ↑ ↓ move between
 * them, Home and End go to the first and last, Enter (or a click) jumps to the message. ↑ on
 * the first goes back to the search field.
 */
export function SearchResultList({
  listRef,
  hits,
  highlight,
  onJump,
  onLeaveTop,
}: {
  listRef: RefObject<HTMLOListElement | null>;
  hits: readonly SearchHit[];
  highlight: readonly string[];
  onJump(hit: SearchHit): void;
  onLeaveTop(): void;
}) {
  const [chosen, setChosen] = useState<string | null>(null);
  const activeId =
    chosen && hits.some((h) => h.message.id === chosen) ? chosen : (hits[0]?.message.id ?? null);

  const focusAt = useCallback(
    (index: number) => {
      const hit = hits[Math.max(0, Math.min(hits.length - 1, index))];
      if (!hit) return;
      setChosen(hit.message.id);
      listRef.current?.querySelector<HTMLElement>(`[data-hit-id="${CSS.escape(hit.message.id)}"]`)?.focus();
    },
    [hits, listRef],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLOListElement>) => {
    const id = (e.target as HTMLElement).closest<HTMLElement>('[data-hit-id]')?.dataset.hitId;
    if (!id) return;
    const at = hits.findIndex((h) => h.message.id === id);
    const move = (to: number) => {
      e.preventDefault();
      focusAt(to);
    };
    switch (e.key) {
      case 'ArrowDown':
        return move(at + 1);
      case 'ArrowUp':
        if (at === 0) {
          e.preventDefault();
          onLeaveTop();
          return;
        }
        return move(at - 1);
      case 'Home':
        return move(0);
      case 'End':
        return move(hits.length - 1);
    }
  };

  return (
    <ol ref={listRef} className="search-results" aria-label="Search results" onKeyDown={onKeyDown}>
      {hits.map((hit) => (
        <SearchResultItem
          key={hit.message.id}
          hit={hit}
          highlight={highlight}
          active={hit.message.id === activeId}
          onJump={onJump}
          onFocus={setChosen}
        />
      ))}
    </ol>
  );
}
