import { type RefObject, useCallback, useRef } from 'react';
import type { SearchHit } from '../../../shared/entities.js';
import { useChatClient } from '../../hooks/ChatContext.js';
import { useConfirm } from '../dialogs/ConfirmContext.js';
import { Icon } from '../Icon.js';
import { RecentSearches } from './RecentSearches.js';
import { SearchField } from './SearchField.js';
import { SearchFilterBar } from './SearchFilterBar.js';
import { SearchResultList } from './SearchResultList.js';
import type { SearchControls } from './useSearch.js';

const count = new Intl.NumberFormat('en');

/** "1 result", "12 results", "1,000+ results". */
export function resultCount(total: number, capped: boolean): string {
  return `${count.format(total)}${capped ? '+' : ''} ${total === 1 && !capped ? 'result' : 'results'}`;
}

/**
 * Search beside the room (over it on a phone): the field, the filters, the results. Jumping to
 * a result opens its room at the message and leaves the panel open, so the next result is one
 * key away; on a phone the panel closes to show the room, and opens again as it was.
 */
export function SearchPanel({
  search,
  inputRef,
  onClose,
  onJumped,
}: {
  search: SearchControls;
  inputRef: RefObject<HTMLInputElement | null>;
  onClose(): void;
  onJumped(): void;
}) {
  const client = useChatClient();
  const confirm = useConfirm();
  const listRef = useRef<HTMLOListElement | null>(null);
  const { state } = search;
  const { outcome } = state;

  const latest = useRef({ search, onJumped });
  latest.current = { search, onJumped };
  const jump = useCallback(
    async (hit: SearchHit) => {
      const { room, message } = hit;
      if (!room.joined) {
        const name = room.name ?? '';
        const join = await confirm({
          title: `Join #${name} to see this message?`,
          body: 'You are not in this channel yet. Joining it shows you its messages and adds it to your rooms.',
          confirmLabel: 'Join',
        });
        if (!join) return;
        if (!(await client.joinChannel(room.id))) return;
        latest.current.search.markJoined(room.id);
      }
      latest.current.onJumped();
      await client.openMessage(room.id, message.id);
    },
    [client, confirm],
  );

  const focusFirstResult = () => listRef.current?.querySelector<HTMLElement>('[data-hit-id]')?.focus();

  return (
    <aside
      className="search-panel"
      aria-label="Search"
      data-keeps-focus
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || e.defaultPrevented) return;
        e.preventDefault();
        onClose();
      }}
    >
      <header className="search-panel-header">
        <h2>Search</h2>
        <button type="button" className="icon-button" aria-label="Close search" onClick={onClose}>
          <Icon name="x" />
        </button>
      </header>
      <SearchField
        inputRef={inputRef}
        value={state.text}
        onChange={search.setText}
        onSearch={() => search.search()}
        onClose={onClose}
        onDown={focusFirstResult}
      />
      <SearchFilterBar filters={state.filters} onChange={search.setFilters} />
      <div className="search-body">
        {state.status === 'idle' && !state.text.trim() && (
          <RecentSearches recent={state.recent} onPick={(query) => search.search(query)} />
        )}
        <div role="status" className="search-status">
          {state.status === 'loading' && <p className="muted small">Searching…</p>}
          {state.status === 'error' && <p className="search-error">{state.error}</p>}
          {state.status === 'done' && outcome && (
            <p className="muted small">
              {outcome.hits.length === 0
                ? `No messages match “${outcome.query}”.`
                : resultCount(outcome.total, outcome.totalCapped)}
            </p>
          )}
        </div>
        {outcome && outcome.hits.length > 0 && state.status !== 'error' && (
          <>
            <SearchResultList
              listRef={listRef}
              hits={outcome.hits}
              highlight={outcome.highlight}
              onJump={jump}
              onLeaveTop={() => inputRef.current?.focus()}
            />
            {outcome.nextCursor && (
              <button
                type="button"
                className="ghost small search-more"
                disabled={state.loadingMore}
                onClick={() => void search.loadMore()}
              >
                {state.loadingMore ? 'Loading…' : 'Load more'}
              </button>
            )}
          </>
        )}
      </div>
    </aside>
  );
}
