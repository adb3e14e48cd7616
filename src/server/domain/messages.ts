import type { Reaction } from '../../shared/protocol.js';
import { badRequest } from './errors.js';

// C0 controls other than tab and newline, DEL, and the bidi overrides that can disguise text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

/** Clean message text; schema validation has already bounded its length and emptiness. */
export function cleanMessageText(text: string): string {
  const cleaned = text.replace(/\r\n?/g, '\n').replace(UNSAFE_CHARACTERS, '');
  if (!cleaned.trim()) throw badRequest('message text must not be empty');
  return cleaned;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
const EMOJI_CODEPOINTS = /^(?:\p{Emoji}|\p{Emoji_Component}|\u200D|\uFE0F)+$/u;
const HAS_PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

/** A reaction is exactly one emoji (a single grapheme, ZWJ sequences and skin tones included). */
export function normaliseEmoji(raw: string): string {
  const emoji = raw.trim();
  const graphemes = [...segmenter.segment(emoji)].length;
  if (graphemes !== 1 || !EMOJI_CODEPOINTS.test(emoji) || !HAS_PICTOGRAPH.test(emoji)) {
    throw badRequest('a reaction must be a single emoji');
  }
  return emoji;
}

export interface ReactionRow {
  emoji: string;
  userId: string;
  createdAt: number;
}

/** Groups reaction rows by emoji, in the order each emoji was first used. */
export function groupReactions(rows: readonly ReactionRow[]): Reaction[] {
  const sorted = [...rows].sort((a, b) => a.createdAt - b.createdAt);
  const byEmoji = new Map<string, string[]>();
  for (const row of sorted) {
    const users = byEmoji.get(row.emoji);
    if (users) users.push(row.userId);
    else byEmoji.set(row.emoji, [row.userId]);
  }
  return [...byEmoji].map(([emoji, userIds]) => ({ emoji, userIds }));
}
