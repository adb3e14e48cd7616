import { type KeyboardEvent, type RefObject, useEffect, useRef, useState } from 'react';
import type { Member } from '../../../shared/protocol.js';
import { useChatSelector } from '../../hooks/useChatSelector.js';
import { mentionAtCaret, searchMembers } from '../../lib/mentions.js';
import { loadShortcodes, type Shortcode, searchShortcodes, shortcodeAtCaret } from '../../lib/shortcodes.js';

/** What the list under the caret offers: emoji for `:smi`, people for `@al`; [start, end) is replaced. */
export type Suggestions = { start: number; end: number; active: number } & (
  | { kind: 'emoji'; items: Shortcode[] }
  | { kind: 'member'; items: Member[] }
);

/**
 * The list under the caret: emoji by shortcode after `:smi`, the room's people after `@al`.
 * Arrows move through it, Enter or Tab takes the highlighted one, Escape closes it.
 */
export function useSuggestions(
  roomId: string,
  input: RefObject<HTMLTextAreaElement | null>,
  insert: (value: string, from: number, to: number) => void,
) {
  const meId = useChatSelector((s) => s.me.id);
  /** The room's members, for `@` suggestions (undefined until loaded). */
  const members = useChatSelector((s) => s.members[roomId]);
  const [suggestions, setSuggestions] = useState<Suggestions | null>(null);

  // The emoji list loads asynchronously: only the answer to the latest keystroke may show.
  const request = useRef(0);
  const update = (value: string, caret: number) => {
    const current = ++request.current;
    const mention = mentionAtCaret(value, caret);
    if (mention) {
      const items = searchMembers(members ?? [], mention.query, meId);
      setSuggestions(items.length > 0 ? { kind: 'member', ...mention, items, active: 0 } : null);
      return;
    }
    const token = shortcodeAtCaret(value, caret);
    if (!token) {
      setSuggestions(null);
      return;
    }
    void loadShortcodes().then((list) => {
      if (current !== request.current) return;
      const items = searchShortcodes(list, token.query);
      setSuggestions(items.length > 0 ? { kind: 'emoji', ...token, items, active: 0 } : null);
    });
  };
  // The room's people may arrive after the `@` was typed (they load when the room opens).
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a change of members re-runs the lookup
  useEffect(() => {
    const el = input.current;
    if (el && document.activeElement === el) update(el.value, el.selectionStart);
  }, [members]);

  const accept = (index: number) => {
    if (!suggestions) return;
    const value =
      suggestions.kind === 'emoji'
        ? suggestions.items[index]!.emoji
        : `@${suggestions.items[index]!.username}`;
    insert(`${value} `, suggestions.start, suggestions.end);
    setSuggestions(null);
  };

  /** The list's keys, while it is open; true if the key was the list's. */
  const onKey = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!suggestions) return false;
    const count = suggestions.items.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setSuggestions({ ...suggestions, active: (suggestions.active + step + count) % count });
      return true;
    }
    if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
      event.preventDefault();
      accept(suggestions.active);
      return true;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      setSuggestions(null);
      return true;
    }
    return false;
  };

  return { suggestions, update, accept, onKey, close: () => setSuggestions(null) };
}
