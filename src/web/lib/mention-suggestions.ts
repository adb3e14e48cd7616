import type { Member } from '../../shared/protocol.js';

/**
 * `@name` autocomplete in the composer: the people of the room, by the start of their name
 * first. The characters of a name match what message rendering highlights as a mention
 * (lib/markdown.tsx), so a picked name always renders as one.
 */

/** The `@partial` being typed just before the caret, if any; a bare `@` offers everyone. */
export function mentionAtCaret(text: string, caret: number): { start: number; query: string } | null {
  const match = /(^|[\s(])(@([\p{L}\p{N}_.-]*))$/u.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[2]!.length, query: match[3]! };
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
