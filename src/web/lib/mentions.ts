import type { Member } from '../../shared/protocol.js';

/**
 * `@name`: the characters a mention is made of, how rendering finds one (lib/markdown.tsx),
 * whether a message mentions you (notifications), and the composer's autocomplete — all from
 * one character class, which takes every character a username may hold
 * (server/domain/usernames.ts: letters, digits and combining marks of any script, `_`, `.`, `-`).
 */
const NAME = '[\\p{L}\\p{N}\\p{M}_.-]';
const NOT_NAME = '[^\\p{L}\\p{N}\\p{M}_]';
const MENTION = new RegExp(`(?<=^|${NOT_NAME})@(${NAME}+)`, 'gu');
const TYPED_BEFORE_CARET = new RegExp(`(?:^|${NOT_NAME})(@(${NAME}*))$`, 'u');
const REST_OF_NAME = new RegExp(`^${NAME}*`, 'u');

/** Every `@name` in a text; a name never ends in `.` or `-` (usernames do not), so `@bob.` is bob. */
export function findMentions(text: string): { index: number; length: number; name: string }[] {
  const found = [];
  for (const match of text.matchAll(MENTION)) {
    const name = match[1]!.replace(/[.-]+$/u, '');
    if (name) found.push({ index: match.index, length: name.length + 1, name });
  }
  return found;
}

/** Whether a message mentions a user by name (for notifications). */
export function mentions(text: string, username: string): boolean {
  const wanted = username.toLowerCase();
  return findMentions(text).some((m) => m.name.toLowerCase() === wanted);
}

/**
 * The `@partial` being typed at the caret, if any: where it starts, what is typed before the
 * caret, and where the name ends (it may go on after the caret). A bare `@` offers everyone.
 */
export function mentionAtCaret(
  text: string,
  caret: number,
): { start: number; end: number; query: string } | null {
  const before = TYPED_BEFORE_CARET.exec(text.slice(0, caret));
  if (!before) return null;
  const after = REST_OF_NAME.exec(text.slice(caret))![0];
  return { start: caret - before[1]!.length, end: caret + after.length, query: before[2]! };
}

/** Names starting with the query first, then containing it; online before offline; never you. */
export function searchMembers(members: readonly Member[], query: string, meId: string, limit = 8): Member[] {
  const q = query.toLowerCase();
  const rank = (m: Member) => {
    const name = m.username.toLowerCase();
    return name.startsWith(q) ? 0 : name.includes(q) ? 1 : 2;
  };
  return members
    .filter((m) => m.id !== meId && rank(m) < 2)
    .sort(
      (a, b) =>
        rank(a) - rank(b) || Number(b.online) - Number(a.online) || a.username.localeCompare(b.username),
    )
    .slice(0, limit);
}
