import { memo } from 'react';
import type { SearchHit } from '../../../shared/entities.js';
import { snippetParts } from '../../lib/highlight.js';
import { formatDay, formatExact, formatTime } from '../../lib/time.js';
import { HighlightedText } from './HighlightedText.js';

/** What to call the room a result is in (as roomTitle does for the user's own rooms). */
export function hitRoomTitle(room: SearchHit['room']): string {
  if (room.kind === 'dm' || room.kind === 'match') return room.peer?.username ?? 'Someone';
  if (room.kind === 'channel') return `#${room.name ?? ''}`;
  return room.name ?? 'Group';
}

/** One result: room, author, time, and the snippet with the matches marked. A button: it jumps. */
export const SearchResultItem = memo(function SearchResultItem({
  hit,
  highlight,
  active,
  onJump,
  onFocus,
}: {
  hit: SearchHit;
  highlight: readonly string[];
  active: boolean;
  onJump(hit: SearchHit): void;
  onFocus(id: string): void;
}) {
  const { message, room } = hit;
  return (
    <li className="search-hit-row">
      <button
        type="button"
        className="search-hit"
        tabIndex={active ? 0 : -1}
        data-hit-id={message.id}
        onClick={() => onJump(hit)}
        onFocus={() => onFocus(message.id)}
      >
        <span className="search-hit-meta">
          <span className="search-hit-room">{hitRoomTitle(room)}</span>
          {!room.joined && <span className="tag">not joined</span>}
          <span className="search-hit-author">{message.author?.username ?? 'Someone'}</span>
          <time dateTime={new Date(message.createdAt).toISOString()} title={formatExact(message.createdAt)}>
            {formatDay(message.createdAt)}, {formatTime(message.createdAt)}
          </time>
        </span>
        <span className="search-hit-text">
          <HighlightedText parts={snippetParts(message.text, highlight)} />
          {message.attachments.length > 0 && (
            <span className="muted">
              {' '}
              (
              {message.attachments.length === 1
                ? message.attachments[0]!.name
                : `${message.attachments.length} files`}
              )
            </span>
          )}
        </span>
      </button>
    </li>
  );
});
