import { useEffect, useId, useRef, useState } from 'react';
import type { PublicUser } from '../../shared/protocol.js';
import { useChatClient } from '../hooks/ChatContext.js';

type Found = PublicUser & { online: boolean };

/** Search people by name; `onPick` gets the chosen user. */
export function UserPicker({
  onPick,
  exclude = [],
  label = 'Search people',
  focusOnOpen = false,
}: {
  onPick(user: Found): void;
  exclude?: string[];
  label?: string;
  /** Take the focus when shown: it replaced the control the person just used to ask for it. */
  focusOnOpen?: boolean;
}) {
  const client = useChatClient();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Found[]>([]);
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only as it is first shown
  useEffect(() => {
    if (focusOnOpen) input.current?.focus();
  }, []);
  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      client.searchUsers(query).then((users) => {
        if (!cancelled) setResults(users);
      });
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, query]);
  const shown = results.filter((u) => !exclude.includes(u.id));
  return (
    <div className="user-picker">
      <label htmlFor={inputId}>{label}</label>
      <input
        ref={input}
        id={inputId}
        type="search"
        placeholder="Type a name…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          // Enter picks the first match instead of submitting the surrounding form.
          if (e.key !== 'Enter') return;
          e.preventDefault();
          if (shown[0]) onPick(shown[0]);
        }}
      />
      <ul className="pick-list" aria-label="People found">
        {shown.map((user) => (
          <li key={user.id}>
            <button type="button" className="pick" onClick={() => onPick(user)}>
              <span className={user.online ? 'dot online' : 'dot'} aria-hidden="true" />
              {user.username}
              {user.guest && <span className="tag">guest</span>}
              <span className="visually-hidden">{user.online ? ' (online)' : ' (offline)'}</span>
            </button>
          </li>
        ))}
        {query.trim() && shown.length === 0 && <li className="muted">Nobody by that name yet.</li>}
      </ul>
    </div>
  );
}
