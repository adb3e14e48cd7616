import { useId, useState } from 'react';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { roomTitle } from '../../lib/rooms.js';
import type { ChatState } from '../../state/store.js';
import { Icon } from '../Icon.js';
import { UserPicker } from '../UserPicker.js';
import type { SearchFilters } from './useSearch.js';

/** The user's rooms as "id\ttitle" lines, sorted: a string, so the picker re-renders only when they change. */
const roomLines = (s: ChatState) =>
  Object.values(s.rooms)
    .map((view) => [view.room.id, roomTitle(view.room)] as const)
    .sort((a, b) => a[1].localeCompare(b[1]))
    .map(([id, title]) => `${id}\t${title}`)
    .join('\n');

/**
 * The filters one can pick instead of typing them (`in:`, `from:`, `has:`, dates,
 * `is:mention`), the order, and whether to look in channels one has not joined.
 */
export function SearchFilterBar({
  filters,
  onChange,
}: {
  filters: SearchFilters;
  onChange(change: Partial<SearchFilters>): void;
}) {
  const lines = useChatSelector(roomLines);
  const rooms = lines ? lines.split('\n').map((line) => line.split('\t') as [string, string]) : [];
  const [pickingPerson, setPickingPerson] = useState(false);
  const id = useId();
  const picked =
    Number(filters.room !== null) +
    Number(filters.from !== null) +
    Number(filters.has !== null) +
    Number(filters.after !== '') +
    Number(filters.before !== '') +
    Number(filters.mentions);
  return (
    <div className="search-filters">
      <details open={picked > 0 ? true : undefined}>
        <summary>Filters{picked > 0 ? ` (${picked})` : ''}</summary>
        <div className="search-filter-grid">
          <label htmlFor={`${id}-room`}>In</label>
          <select
            id={`${id}-room`}
            value={filters.room ?? ''}
            onChange={(e) => onChange({ room: e.target.value || null })}
          >
            <option value="">Any room</option>
            {rooms.map(([roomId, title]) => (
              <option key={roomId} value={roomId}>
                {title}
              </option>
            ))}
          </select>

          <span aria-hidden="true">From</span>
          <fieldset className="search-filter-person">
            <legend className="visually-hidden">From</legend>
            {filters.from ? (
              <span className="search-chip">
                {filters.from.username}
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove the filter: from ${filters.from.username}`}
                  onClick={() => onChange({ from: null })}
                >
                  <Icon name="x" size={14} />
                </button>
              </span>
            ) : pickingPerson ? (
              <UserPicker
                label="Messages from"
                focusOnOpen
                onPick={(user) => {
                  setPickingPerson(false);
                  onChange({ from: { id: user.id, username: user.username } });
                }}
              />
            ) : (
              <button type="button" className="ghost small" onClick={() => setPickingPerson(true)}>
                Anyone…
              </button>
            )}
          </fieldset>

          <label htmlFor={`${id}-has`}>Has</label>
          <select
            id={`${id}-has`}
            value={filters.has ?? ''}
            onChange={(e) => onChange({ has: (e.target.value || null) as SearchFilters['has'] })}
          >
            <option value="">Anything</option>
            <option value="file">A file</option>
            <option value="image">An image</option>
            <option value="link">A link</option>
          </select>

          <label htmlFor={`${id}-after`}>After</label>
          <input
            id={`${id}-after`}
            type="date"
            value={filters.after}
            max={filters.before || undefined}
            onChange={(e) => onChange({ after: e.target.value })}
          />

          <label htmlFor={`${id}-before`}>Before</label>
          <input
            id={`${id}-before`}
            type="date"
            value={filters.before}
            min={filters.after || undefined}
            onChange={(e) => onChange({ before: e.target.value })}
          />
        </div>
        <label className="search-check">
          <input
            type="checkbox"
            checked={filters.mentions}
            onChange={(e) => onChange({ mentions: e.target.checked })}
          />
          Mentions of me
        </label>
      </details>
      <div className="search-options">
        <label className="search-check">
          <input
            type="checkbox"
            checked={filters.publicChannels}
            onChange={(e) => onChange({ publicChannels: e.target.checked })}
          />
          Include channels I have not joined
        </label>
        <label className="search-order">
          <span className="visually-hidden">Order</span>
          <select
            value={filters.order}
            onChange={(e) => onChange({ order: e.target.value as SearchFilters['order'] })}
          >
            <option value="newest">Newest first</option>
            <option value="relevance">Best match first</option>
          </select>
        </label>
      </div>
    </div>
  );
}
