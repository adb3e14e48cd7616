/**
 * `:shortcode:` lookup from Emojibase's GitHub shortcode set (served by Parley with the emoji
 * data), loaded the first time someone types a colon and a couple of letters.
 */
export interface Shortcode {
  code: string;
  emoji: string;
}

let index: Promise<Shortcode[]> | null = null;

export function loadShortcodes(): Promise<Shortcode[]> {
  index ??= Promise.all([
    fetch('/emojibase/en/data.json').then((r) => r.json() as Promise<{ hexcode: string; emoji: string }[]>),
    fetch('/emojibase/en/shortcodes/github.json').then(
      (r) => r.json() as Promise<Record<string, string | string[]>>,
    ),
  ])
    .then(([data, codes]) => {
      const byHex = new Map(data.map((e) => [e.hexcode, e.emoji]));
      const list: Shortcode[] = [];
      for (const [hex, names] of Object.entries(codes)) {
        const emoji = byHex.get(hex);
        if (!emoji) continue;
        for (const code of Array.isArray(names) ? names : [names]) list.push({ code, emoji });
      }
      return list.sort((a, b) => a.code.localeCompare(b.code));
    })
    .catch(() => {
      index = null;
      return [];
    });
  return index;
}

/** Prefix matches first, then matches anywhere in the name. */
export function searchShortcodes(list: readonly Shortcode[], query: string, limit = 8): Shortcode[] {
  const q = query.toLowerCase();
  const starts = list.filter((s) => s.code.startsWith(q));
  const contains =
    starts.length >= limit ? [] : list.filter((s) => !s.code.startsWith(q) && s.code.includes(q));
  return [...starts, ...contains].slice(0, limit);
}

/**
 * The `:partial` being typed at the caret, if any: where it starts, what is typed before the
 * caret, and where it ends (the rest of the name and a closing colon may follow the caret).
 */
export function shortcodeAtCaret(
  text: string,
  caret: number,
): { start: number; end: number; query: string } | null {
  const match = /(^|[\s(])(:([a-z0-9_+-]{2,}))$/.exec(text.slice(0, caret));
  if (!match) return null;
  const after = /^[a-z0-9_+-]*:?/.exec(text.slice(caret))![0];
  return { start: caret - match[2]!.length, end: caret + after.length, query: match[3]! };
}
