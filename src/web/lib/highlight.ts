/**
 * Finding a search's terms in a message's text, to highlight them: matched the way the search
 * compares (case- and accent-insensitively), with the positions mapped back to the original
 * text, so "Café" is highlighted whole for the term "cafe". Pure: the parts are rendered as
 * React elements (components/search/HighlightedText.tsx), never as HTML.
 */

/** A stretch of the text, highlighted or not. */
export interface TextPart {
  text: string;
  match: boolean;
}

const COMBINING_MARKS = /\p{M}/gu;

/** How the search compares text: compatibility-decomposed, without accents, lower-case. */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase().replace(COMBINING_MARKS, '');
}

/**
 * The folded text and, for each of its UTF-16 units, where the code point it came from starts
 * and ends in the original (one code point may fold to several units, or to none).
 */
function foldWithMap(text: string): { folded: string; starts: number[]; ends: number[] } {
  let folded = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let at = 0;
  for (const char of text) {
    const piece = foldText(char);
    // What folds to nothing (a combining accent) belongs to the letter before it.
    if (!piece) {
      for (let i = ends.length - 1; i >= 0 && ends[i] === at; i--) ends[i] = at + char.length;
    }
    for (let i = 0; i < piece.length; i++) {
      starts.push(at);
      ends.push(at + char.length);
    }
    folded += piece;
    at += char.length;
  }
  return { folded, starts, ends };
}

/**
 * Where the terms occur in the text, as [start, end) ranges of the original text, in order,
 * overlapping or touching ranges merged into one.
 */
export function matchRanges(text: string, terms: readonly string[]): [number, number][] {
  const wanted = [...new Set(terms.map(foldText).filter((term) => term.trim().length > 0))];
  if (wanted.length === 0 || !text) return [];
  const { folded, starts, ends } = foldWithMap(text);
  const found: [number, number][] = [];
  for (const term of wanted) {
    for (let i = folded.indexOf(term); i !== -1; i = folded.indexOf(term, i + 1)) {
      found.push([starts[i]!, ends[i + term.length - 1]!]);
    }
  }
  found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const range of found) {
    const last = merged.at(-1);
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

/** The text cut into plain and highlighted parts (`start`/`end`: only that stretch of it). */
export function highlightParts(
  text: string,
  terms: readonly string[],
  start = 0,
  end = text.length,
  ranges = matchRanges(text, terms),
): TextPart[] {
  const parts: TextPart[] = [];
  const push = (from: number, to: number, match: boolean) => {
    if (to <= from) return;
    const piece = text.slice(from, to);
    const last = parts.at(-1);
    if (last && last.match === match) last.text += piece;
    else parts.push({ text: piece, match });
  };
  let at = start;
  for (const [from, to] of ranges) {
    if (to <= start || from >= end) continue;
    push(at, Math.max(at, from), false);
    push(Math.max(at, from), Math.min(to, end), true);
    at = Math.min(to, end);
  }
  push(at, end, false);
  return parts;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Moves a cut off the middle of a surrogate pair (one emoji), to before it. */
function onCodePoint(text: string, at: number): number {
  return at > 0 && at < text.length && isLowSurrogate(text.charCodeAt(at)) ? at - 1 : at;
}

export const SNIPPET_LENGTH = 160;

/**
 * What a search result shows of a message: about `length` characters around the first match,
 * with "…" where the text was cut, and the matches highlighted. Whitespace runs (line breaks)
 * become one space. Without a match, the text's start.
 */
export function snippetParts(rawText: string, terms: readonly string[], length = SNIPPET_LENGTH): TextPart[] {
  const text = rawText.replace(/\s+/g, ' ').trim();
  const ranges = matchRanges(text, terms);
  if (text.length <= length) return highlightParts(text, terms, 0, text.length, ranges);
  const first = ranges[0];
  let start = 0;
  if (first) {
    // The match a third of the way in: some context before it, more after.
    const matchLength = first[1] - first[0];
    start = Math.max(0, first[0] - Math.max(0, Math.floor((length - matchLength) / 3)));
    start = Math.min(start, text.length - length);
    // Start at a word when one begins close by (not in the middle of the match).
    if (start > 0) {
      const space = text.indexOf(' ', start);
      if (space !== -1 && space < first[0] && space - start < 20) start = space + 1;
    }
  }
  let end = Math.min(text.length, start + length);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start + length - 20 && (!first || space >= first[1])) end = space;
  }
  start = onCodePoint(text, start);
  end = onCodePoint(text, end);
  const parts = highlightParts(text, terms, start, end, ranges);
  if (start > 0) parts.unshift({ text: '…', match: false });
  if (end < text.length) parts.push({ text: '…', match: false });
  // Merge the ellipses into their neighbours' plain text.
  return parts.reduce<TextPart[]>((out, part) => {
    const last = out.at(-1);
    if (last && !last.match && !part.match) last.text += part.text;
    else out.push({ ...part });
    return out;
  }, []);
}
